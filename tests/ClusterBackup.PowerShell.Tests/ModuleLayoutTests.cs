using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ClusterBackup.PowerShell.Tests;

/// <summary>
/// The assemblies that load in PowerShell's default AssemblyLoadContext stay thin: they reference the
/// framework, PowerShell and (the cmdlets) the engine, and nothing the engine depends on, so no
/// library of the module can clash with another module's version of it.
/// </summary>
public class ModuleLayoutTests : IClassFixture<CmdletAssemblyFixture>
{
    private readonly CmdletAssembly _assembly;

    public ModuleLayoutTests(CmdletAssemblyFixture fixture) => _assembly = fixture.Assembly;

    private static IReadOnlyList<string> ReferencedAssemblies(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new PEReader(stream);
        var metadata = reader.GetMetadataReader();
        return metadata.AssemblyReferences.Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name)).Order().ToList();
    }

    private static bool IsFrameworkOrPowerShell(string name) =>
        name is "System.Runtime" or "netstandard" or "System.Management.Automation" || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);

    [Fact]
    public void TheCmdletsReferenceNoDependencyOfTheEngine()
    {
        var references = ReferencedAssemblies(_assembly.AssemblyPath);
        Assert.Contains("ClusterBackup.Engine", references);
        Assert.All(references.Where(r => r != "ClusterBackup.Engine"), r => Assert.True(IsFrameworkOrPowerShell(r), $"ClusterBackup.PowerShell references {r}: move its use behind the engine."));
    }

    [Fact]
    public void TheLoaderReferencesOnlyTheFrameworkAndPowerShell()
    {
        var loader = Path.Combine(Path.GetDirectoryName(_assembly.AssemblyPath)!, "ClusterBackup.PowerShell.Loader.dll");
        Assert.All(ReferencedAssemblies(loader), r => Assert.True(IsFrameworkOrPowerShell(r), $"ClusterBackup.PowerShell.Loader references {r}."));
    }

    [Fact]
    public void TheEngineIsNotBesideTheCmdlets()
    {
        // Beside the cmdlet assembly, PowerShell's default context would load it (and then its
        // dependencies) for itself, outside the module's own load context.
        var directory = Path.GetDirectoryName(_assembly.AssemblyPath)!;
        Assert.False(File.Exists(Path.Combine(directory, "ClusterBackup.Engine.dll")), "ClusterBackup.Engine.dll must not be copied beside the cmdlet assembly.");
        Assert.Empty(Directory.GetFiles(directory, "Microsoft.Data.*.dll"));
    }
}
