using System.Text.RegularExpressions;

namespace ClusterBackup.PowerShell.Tests;

/// <summary>ClusterBackup.psd1 against the compiled cmdlets and the files under module/.</summary>
public class ModuleManifestTests : IClassFixture<CmdletAssemblyFixture>
{
    private readonly CmdletAssembly _assembly;
    private readonly string _manifest;

    public ModuleManifestTests(CmdletAssemblyFixture fixture)
    {
        _assembly = fixture.Assembly;
        _manifest = File.ReadAllText(Path.Combine(_assembly.RepositoryRoot, "ClusterBackup.psd1"));
    }

    private IReadOnlyList<string> ListValue(string key)
    {
        var match = Regex.Match(_manifest, key + @"\s*=\s*@\((?<items>[^)]*)\)", RegexOptions.Singleline);
        Assert.True(match.Success, $"ClusterBackup.psd1 has no {key} list.");
        return Regex.Matches(match.Groups["items"].Value, "'([^']+)'").Select(m => m.Groups[1].Value).ToList();
    }

    private string ScalarValue(string key)
    {
        var match = Regex.Match(_manifest, key + @"\s*=\s*'([^']*)'");
        Assert.True(match.Success, $"ClusterBackup.psd1 has no {key}.");
        return match.Groups[1].Value;
    }

    [Fact]
    public void ExportsExactlyTheCompiledCmdlets()
    {
        var exported = ListValue("CmdletsToExport").Order().ToList();
        var compiled = _assembly.Cmdlets.Select(c => c.Name).Order().ToList();
        Assert.Equal(compiled, exported);
    }

    [Fact]
    public void RootModuleIsTheCompiledAssembly() => Assert.Equal(Path.GetFileName(_assembly.AssemblyPath), ScalarValue("RootModule"));

    [Fact]
    public void ImportsTheLoaderBeforeTheCmdlets() =>
        // A nested module is imported before the root module: the loader must make the engine
        // resolvable before PowerShell reads the cmdlet types, whose parameters use engine enums.
        Assert.Equal(["ClusterBackup.PowerShell.Loader.dll"], ListValue("NestedModules"));

    [Fact]
    public void TargetsPowerShell74Core()
    {
        Assert.Equal("7.4", ScalarValue("PowerShellVersion"));
        Assert.Equal(["Core"], ListValue("CompatiblePSEditions"));
    }

    [Fact]
    public void FormatAndTypeFilesExistAndAreWellFormed()
    {
        var files = ListValue("FormatsToProcess").Concat(ListValue("TypesToProcess")).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var path = Path.Combine(_assembly.RepositoryRoot, "module", file);
            Assert.True(File.Exists(path), $"{file} is listed in the manifest but module/{file} does not exist.");
            System.Xml.Linq.XDocument.Load(path);
        }
    }

    [Fact]
    public void ModuleVersionMatchesTheAssembly() =>
        Assert.Equal(_assembly.Assembly.GetName().Version!.ToString(3), ScalarValue("ModuleVersion"));

    [Fact]
    public void EveryOutputTypeHasADefaultView()
    {
        var formats = string.Concat(ListValue("FormatsToProcess").Select(f => File.ReadAllText(Path.Combine(_assembly.RepositoryRoot, "module", f))));
        foreach (var cmdlet in _assembly.Cmdlets)
            foreach (var output in cmdlet.Type.CustomAttributes.Where(a => a.AttributeType.Name == "OutputTypeAttribute")
                         .SelectMany(a => a.ConstructorArguments).SelectMany(Types))
                if (output.Namespace?.StartsWith("ClusterBackup", StringComparison.Ordinal) == true)
                    Assert.True(formats.Contains($"<TypeName>{output.FullName}</TypeName>"), $"{cmdlet.Name} outputs {output.FullName}, which has no view in module/*.Format.ps1xml.");
    }

    private static IEnumerable<Type> Types(System.Reflection.CustomAttributeTypedArgument argument) => argument.Value switch
    {
        Type t => [t],
        IEnumerable<System.Reflection.CustomAttributeTypedArgument> many => many.SelectMany(Types),
        _ => [],
    };
}
