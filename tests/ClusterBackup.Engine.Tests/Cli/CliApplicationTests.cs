namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>The command tree as a whole.</summary>
public class CliApplicationTests
{
    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var (code, _, _) = CliHarness.Run("no-such-command");
        Assert.NotEqual(0, code);
    }
}
