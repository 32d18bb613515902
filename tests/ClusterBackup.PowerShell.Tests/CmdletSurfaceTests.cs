using System.Xml.Linq;

namespace ClusterBackup.PowerShell.Tests;

public class CmdletSurfaceTests : IClassFixture<CmdletAssemblyFixture>
{
    /// <summary>Verbs whose cmdlets only read; every other verb changes state and must support -WhatIf/-Confirm.</summary>
    private static readonly HashSet<string> ReadOnlyVerbs = ["Get", "Test", "Find", "Show", "Measure", "Resolve", "Search", "Read", "Wait", "Watch", "Format", "Select"];

    /// <summary>Verbs that destroy or overwrite: they must ask for confirmation by default.</summary>
    private static readonly HashSet<string> DestructiveVerbs = ["Remove", "Clear", "Reset", "Initialize", "Move"];

    private readonly CmdletAssembly _assembly;

    public CmdletSurfaceTests(CmdletAssemblyFixture fixture) => _assembly = fixture.Assembly;

    public static IEnumerable<object[]> CmdletNames()
    {
        using var assembly = new CmdletAssembly();
        return assembly.Cmdlets.Select(c => new object[] { c.Name }).ToList();
    }

    private CmdletInfo Cmdlet(string name) => _assembly.Cmdlets.Single(c => c.Name == name);

    [Fact]
    public void TheModuleHasCmdlets() => Assert.NotEmpty(_assembly.Cmdlets);

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void VerbIsApproved(string name) =>
        Assert.True(_assembly.ApprovedVerbs.Contains(Cmdlet(name).Verb), $"{name}: '{Cmdlet(name).Verb}' is not an approved verb.");

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ClassIsNamedVerbNounCommand(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.Equal(cmdlet.Verb + cmdlet.Noun + "Command", cmdlet.Type.Name);
        // Every cmdlet derives from ClusterBackupCmdlet, directly or through abstract bases that hold what a family shares.
        var type = cmdlet.Type.BaseType;
        while (type is not null && type.FullName != "ClusterBackup.PowerShell.ClusterBackupCmdlet")
        {
            Assert.True(type.IsAbstract, $"{name}: the intermediate base {type.FullName} is not abstract.");
            type = type.BaseType;
        }
        Assert.True(type is not null, $"{name} does not derive from ClusterBackupCmdlet.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void StateChangingCmdletsSupportShouldProcess(string name)
    {
        var cmdlet = Cmdlet(name);
        if (!ReadOnlyVerbs.Contains(cmdlet.Verb))
            Assert.True(cmdlet.SupportsShouldProcess, $"{name} changes state but does not declare SupportsShouldProcess.");
        if (DestructiveVerbs.Contains(cmdlet.Verb))
            Assert.True(cmdlet.ConfirmImpact == 3, $"{name} is destructive but its ConfirmImpact is not High.");
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void DeclaresOutputType(string name) => Assert.True(Cmdlet(name).HasOutputType, $"{name} has no [OutputType].");

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void HasHelpWithSynopsisDescriptionAndExample(string name)
    {
        var cmdlet = Cmdlet(name);
        var doc = _assembly.DocFor("T:" + cmdlet.Type.FullName);
        Assert.True(doc is not null, $"{name} has no XML doc comment.");
        Assert.False(string.IsNullOrWhiteSpace(Para(doc!, "synopsis")), $"{name} has no synopsis.");
        Assert.False(string.IsNullOrWhiteSpace(Para(doc!, "description")), $"{name} has no description.");
        var example = doc!.Descendants("example").FirstOrDefault();
        Assert.True(example?.Element("code") is not null, $"{name} has no example with code.");
        Assert.Contains(name, example!.Element("code")!.Value);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterHasHelp(string name)
    {
        foreach (var parameter in Cmdlet(name).Parameters)
        {
            var doc = _assembly.DocFor($"P:{parameter.DeclaringType!.FullName}.{parameter.Name}");
            Assert.False(string.IsNullOrWhiteSpace(doc?.Element("summary")?.Value), $"{name} -{parameter.Name} has no help text.");
        }
    }

    /// <summary>
    /// Parameters whose names say they are paths but that name a place on another machine (written into exported
    /// tasks or sent to a remote endpoint), so they must not be resolved against this session's location.
    /// </summary>
    private static readonly HashSet<string> RemotePathParameters = ["RemotePath", "TargetSchedulePath", "CliPath", "PowerShellPath"];

    /// <summary>Parameters that are local files or folders without "Path" in their name.</summary>
    private static readonly HashSet<string> LocalPathParameters = ["Destination", "Target", "Directory", "OutFile", "Schedule", "DigestFile", "KeyFile"];

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryLocalPathParameterResolvesAgainstTheCurrentLocation(string name)
    {
        foreach (var parameter in Cmdlet(name).Parameters)
        {
            var isPath = parameter.Name.EndsWith("Path", StringComparison.Ordinal) || LocalPathParameters.Contains(parameter.Name);
            if (!isPath || RemotePathParameters.Contains(parameter.Name) || (name == "New-ClusterBackupSchedule" && parameter.Name == "Share"))
                continue;
            Assert.True(parameter.CustomAttributes.Any(a => a.AttributeType.Name == "FileSystemPathAttribute"),
                $"{name} -{parameter.Name} is a path but does not carry [FileSystemPath], so a relative path would resolve against the process's folder.");
        }
    }

    [Fact]
    public void EveryParameterWithADefaultShowsItInHelp()
    {
        var missing = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(_assembly.RepositoryRoot, "src", "ClusterBackup.PowerShell"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var match = System.Text.RegularExpressions.Regex.Match(lines[i], @"^\s*public [\w\?\[\]]+ (\w+) \{ get; set; \} = (.+);$");
                if (!match.Success || match.Groups[2].Value is "\"\"" or "[]" || match.Groups[2].Value.StartsWith("null", StringComparison.Ordinal))
                    continue;
                var attributes = lines.Take(i).Reverse().TakeWhile(l => l.TrimStart().StartsWith('[')).ToList();
                if (attributes.Any(l => l.Contains("[Parameter", StringComparison.Ordinal)) && !attributes.Any(l => l.Contains("[PSDefaultValue", StringComparison.Ordinal)))
                    missing.Add($"{Path.GetFileName(file)}: -{match.Groups[1].Value} = {match.Groups[2].Value}");
            }
        }
        Assert.True(missing.Count == 0, "Parameters with a default but no [PSDefaultValue], so help shows no default: " + string.Join("; ", missing));
    }

    private static string? Para(XElement doc, string type) =>
        doc.Descendants("para").FirstOrDefault(p => (string?)p.Attribute("type") == type)?.Value;
}

public sealed class CmdletAssemblyFixture : IDisposable
{
    public CmdletAssembly Assembly { get; } = new();
    public void Dispose() => Assembly.Dispose();
}
