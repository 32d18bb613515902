using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Configuration;

namespace ClusterBackup.Engine.Tests.Tape;

public class MediaAgentConfigurationTests
{
    private static readonly string[] Drives = ["drive0", "drive1", "drive2", "drive3"];

    private static MediaAgentConfiguration Parse(string agents) => MediaAgentConfiguration.Parse($$"""{ "formatVersion": 1, "agents": [ {{agents}} ] }""");

    private const string Valid = """
        { "name": "A1", "drive": "drive0", "pool": "Daily", "buffers": [ { "name": "sales", "objects": "*/SALES/*" }, { "name": "rest", "objects": "*" } ] },
        { "name": "M1", "drive": "drive1", "pool": "Offsite", "buffers": [ { "name": "B1", "from": "A1.sales" } ] },
        { "name": "M2", "drive": "drive2", "pool": "Vault", "buffers": [ { "name": "B1", "from": "M1.B1" } ] }
        """;

    [Fact]
    public void AValidConfigurationChainsPerObjectToAnyDepth()
    {
        var configuration = Parse(Valid);
        Assert.Empty(configuration.Validate(Drives));
        Assert.Equal(["A1", "M1", "M2"], configuration.ChainFor("SQLVS1/SALES/full.bak")!.Select(a => a.Name));
        Assert.Equal(["A1"], configuration.ChainFor("SQLVS1/HR/full.bak")!.Select(a => a.Name));
        Assert.Equal(2, configuration.MirrorLevel(configuration.Agents.Single(a => a.Name == "M2")));
    }

    [Fact]
    public void AnUnknownDriveIsNamed()
    {
        var issue = Assert.Single(Parse("""{ "name": "A1", "drive": "drive9", "buffers": [ { "name": "B", "objects": "*" } ] }""").Validate(Drives));
        Assert.Contains("drive 'drive9', which is unknown", issue.Message);
    }

    [Fact]
    public void TwoAgentsOnOneDriveAreRefused()
    {
        var issues = Parse("""
            { "name": "A1", "drive": "drive0", "buffers": [ { "name": "B", "objects": "*" } ] },
            { "name": "A2", "drive": "drive0", "buffers": [ { "name": "B", "objects": "x*" } ] }
            """).Validate(Drives);
        Assert.Contains(issues, i => i.Message.Contains("A1 and A2 are both assigned to drive drive0"));
    }

    [Fact]
    public void ACycleIsRefused()
    {
        var issues = Parse("""
            { "name": "A1", "drive": "drive0", "buffers": [ { "name": "B", "objects": "*" } ] },
            { "name": "M1", "drive": "drive1", "buffers": [ { "name": "B", "from": "M2.B" } ] },
            { "name": "M2", "drive": "drive2", "buffers": [ { "name": "B", "from": "M1.B" } ] }
            """).Validate(Drives);
        Assert.Contains(issues, i => i.Message.Contains("cycle"));
    }

    [Fact]
    public void AnObjectMirroredTwiceOntoTheSameTapeIsRefused()
    {
        var issues = Parse("""
            { "name": "A1", "drive": "drive0", "buffers": [ { "name": "B", "objects": "*" } ] },
            { "name": "M1", "drive": "drive1", "buffers": [ { "name": "B1", "from": "A1.B" }, { "name": "B2", "from": "M1.B1" } ] }
            """).Validate(Drives);
        Assert.Contains(issues, i => i.Message.Contains("mirrored twice onto the same tape"));
    }

    [Fact]
    public void UnknownFieldsAndWrongVersionsAreClearErrors()
    {
        var e1 = Assert.Throws<ClusterBackupException>(() => MediaAgentConfiguration.Parse("""{ "formatVersion": 1, "agentz": [] }"""));
        Assert.Contains("agentz", e1.Message);
        var e2 = Assert.Throws<ClusterBackupException>(() => MediaAgentConfiguration.Parse("""{ "formatVersion": 7, "agents": [] }"""));
        Assert.Contains("formatVersion 7", e2.Message);
        var e3 = Assert.Throws<ClusterBackupException>(() => MediaAgentConfiguration.Parse("[1,2]"));
        Assert.Contains("JSON object", e3.Message);
    }

    [Fact]
    public void TheDefaultConfigurationRoundTripsAndValidates()
    {
        var configuration = MediaAgentConfiguration.CreateDefault(["drive0", "drive1"], [["drive2", "drive3"]], "Daily", ["Offsite"], 256 * 1024);
        var again = MediaAgentConfiguration.Parse(configuration.ToJson());
        Assert.Empty(again.Validate(Drives));
        Assert.Equal(2, again.ChainFor("anything")!.Count);
    }
}
