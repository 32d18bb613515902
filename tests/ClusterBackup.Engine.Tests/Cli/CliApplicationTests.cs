namespace ClusterBackup.Engine.Tests.Cli;

/// <summary>The command tree as a whole.</summary>
public class CliApplicationTests
{
    [Fact]
    public void UnknownCommandIsAUsageError()
    {
        var (code, _, error) = CliHarness.Run("no-such-command");
        Assert.Equal(2, code);
        Assert.Contains("no-such-command", error);
    }
}
