namespace ClusterBackup.Engine.Tests;

public class AmbientEnvironmentTests
{
    [Fact]
    public void NoProductVariableOfTheCallersEnvironmentReachesTheTests() =>
        Assert.Empty(AmbientEnvironment.ProductVariables());
}
