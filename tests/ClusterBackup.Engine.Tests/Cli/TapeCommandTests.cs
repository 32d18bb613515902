using ClusterBackup.Engine.Tests.Tape;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cli;

public class TapeCommandTests
{
    [Fact]
    public void TheShareGoesToTapeAndBackThroughTheCli()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 0);
        var library = kit.Directory.Combine("vtl");
        string[] Global(params string[] args) => [.. args, "--catalog", kit.CatalogPath, "--library", library];

        var (code, output, error) = CliHarness.Run(Global("tape", "library", "create", library, "--drives", "4", "--slots", "10"));
        Assert.True(code == 0, error);
        (code, _, error) = CliHarness.Run(Global("tape", "cartridge", "add", "VT0001", "VT0002", "VT0003", "VT0004", "--capacity", "67108864"));
        Assert.True(code == 0, error);
        var config = kit.Directory.Combine("agents.json");
        (code, output, error) = CliHarness.Run(Global("tape", "config", "new", config, "--drive", "drive0", "--mirror-drive", "drive1", "--pool", "Daily",
            "--mirror-pool", "Offsite", "--block-size", "65536"));
        Assert.True(code == 0, error);
        Assert.Contains("yes", output);

        var set = BackupToTapeOperationTests.AddBackupSet(kit, "sales", initialize: true, files: 2, seed: 7);
        (code, output, error) = CliHarness.Run(Global("tape", "backup", "--config", config, "--verify", "--output", "json"));
        Assert.True(code == 0, error);
        var result = JArray.Parse(output).Single();
        Assert.Equal(2, (int)result["Objects"]!);
        Assert.Equal(4, (int)result["VerifiedCopies"]!);

        (code, output, error) = CliHarness.Run(Global("tape", "list", "--backup-set", set.BackupSetId.ToString(), "--output", "json"));
        Assert.True(code == 0, error);
        var objects = JArray.Parse(output);
        Assert.Equal(2, objects.Count);
        var barcode = ((string)objects[0]["Volumes"]!).Split(',')[0];

        (code, output, error) = CliHarness.Run(Global("tape", "list", "--barcode", barcode, "--from-media"));
        Assert.True(code == 0, error);
        Assert.Contains("PGVS1/sales/", output);

        var destination = kit.Directory.Combine("restore");
        (code, _, error) = CliHarness.Run(Global("tape", "restore", "--object", (string)objects[0]["ObjectId"]!, "--destination", destination));
        Assert.True(code == 0, error);
        var name = (string)objects[0]["Name"]!;
        Assert.Equal(File.ReadAllBytes((string)objects[0]["SourcePath"]!), File.ReadAllBytes(Path.Combine(destination, name)));

        (code, _, error) = CliHarness.Run(Global("tape", "cartridge", "label", "VT0004", "--pool", "Daily", "--block-size", "65536"));
        Assert.Equal(2, code);
        Assert.Contains("--yes", error);

        (code, output, error) = CliHarness.Run(Global("tape", "retention", "--copies", "2", "--include-active"));
        Assert.True(code == 0, error);
        Assert.Contains("not superseded", output);
    }

    [Fact]
    public void EachBarcodeSucceedsOrFailsOnItsOwn()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 0);
        var library = kit.Directory.Combine("vtl");
        string[] Global(params string[] args) => [.. args, "--catalog", kit.CatalogPath, "--library", library];
        Assert.Equal(0, CliHarness.Run(Global("tape", "library", "create", library, "--drives", "1", "--slots", "4")).ExitCode);

        var (code, output, error) = CliHarness.Run(Global("tape", "cartridge", "add", "VT0001", "bad barcode!", "VT0002", "--capacity", "8388608", "--output", "json"));
        Assert.Equal(2, code);
        Assert.Equal(["VT0001", "VT0002"], JArray.Parse(output).Select(c => (string)c["Barcode"]!));
        Assert.Contains("bad barcode!", error);
    }

    [Fact]
    public void AnInvalidConfigurationIsReportedWithEveryIssue()
    {
        using var kit = new TapeTestKit(drives: 2, cartridges: 0);
        var config = kit.Directory.Combine("bad.json");
        File.WriteAllText(config, """
            { "formatVersion": 1, "agents": [
              { "name": "A1", "drive": "drive0", "buffers": [ { "name": "B", "objects": "*" } ] },
              { "name": "A2", "drive": "drive0", "buffers": [ { "name": "B", "from": "A1.B" } ] },
              { "name": "A3", "drive": "tape9", "buffers": [ { "name": "B", "objects": "*" } ] } ] }
            """);
        var (code, _, error) = CliHarness.Run("tape", "config", "test", config, "--library", kit.Library.Root);
        Assert.Equal(2, code);
        Assert.Contains("'tape9', which is unknown", error);
        Assert.Contains("both assigned to drive drive0", error);
    }
}
