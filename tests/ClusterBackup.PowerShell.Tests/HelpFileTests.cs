namespace ClusterBackup.PowerShell.Tests;

public class HelpFileTests : IClassFixture<CmdletAssemblyFixture>
{
    public const string UpdateVariable = "CLUSTERBACKUP_UPDATE_HELP";
    private readonly CmdletAssembly _assembly;

    public HelpFileTests(CmdletAssemblyFixture fixture) => _assembly = fixture.Assembly;

    [Fact]
    public void CommittedMamlHelpMatchesTheCmdlets()
    {
        var path = Path.Combine(_assembly.RepositoryRoot, "module", "en-US", "ClusterBackup.PowerShell.dll-Help.xml");
        var expected = MamlHelpWriter.Write(_assembly).ToString().ReplaceLineEndings("\n") + "\n";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + expected);
        }
        Assert.True(File.Exists(path), $"{path} is missing: run ./build.sh help.");
        var actual = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(actual == "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + expected,
            "module/en-US/ClusterBackup.PowerShell.dll-Help.xml is out of date with the cmdlets' doc comments: run ./build.sh help.");
    }

    [Fact]
    public void EveryCmdletHasHelpWithAnExample()
    {
        var help = MamlHelpWriter.Write(_assembly);
        foreach (var cmdlet in _assembly.Cmdlets)
        {
            var command = help.Descendants().Single(e => e.Name.LocalName == "name" && e.Parent!.Name.LocalName == "details" && e.Value == cmdlet.Name).Parent!.Parent!;
            Assert.Contains(command.Descendants(), e => e.Name.LocalName == "example");
            Assert.Equal(cmdlet.Parameters.Count(), command.Elements().Single(e => e.Name.LocalName == "parameters").Elements().Count());
        }
    }
}
