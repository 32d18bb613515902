using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

/// <summary>The one way both front ends open the engine: the configuration first, then the catalog; reading never creates.</summary>
public sealed class EngineSessionTests : IDisposable
{
    private readonly TempDirectory _dir = new("session");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AMissingConfigurationFailsBeforeACatalogIsCreated()
    {
        var catalog = _dir.Combine("catalog.db");

        var ex = Assert.Throws<ClusterBackupException>(() => EngineSession.Open(
            new EngineSessionRequest(catalog, Catalog: CatalogUse.CreateIfMissing, Configuration: ConfigurationUse.Required), NullOperationReporter.Instance));

        Assert.Equal("ConfigurationNotFound", ex.Cause);
        Assert.Equal(_dir.Combine("clusterbackup.json"), ex.Target);
        Assert.False(File.Exists(catalog));
    }

    [Fact]
    public void ReadingAMissingCatalogSaysSoAndCreatesNothing()
    {
        var catalog = _dir.Combine("catalog.db");

        var ex = Assert.Throws<ClusterBackupException>(() => EngineSession.Open(new EngineSessionRequest(catalog), NullOperationReporter.Instance));

        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains(catalog, ex.Message);
        Assert.False(File.Exists(catalog));
    }

    [Fact]
    public void AnOptionalConfigurationMayBeAbsentButAnExplicitOneMayNot()
    {
        var catalog = _dir.Combine("catalog.db");
        EngineSession.Open(new EngineSessionRequest(catalog, Catalog: CatalogUse.CreateIfMissing), NullOperationReporter.Instance);

        var session = EngineSession.Open(new EngineSessionRequest(catalog, Configuration: ConfigurationUse.Optional), NullOperationReporter.Instance);
        var ex = Assert.Throws<ClusterBackupException>(() =>
            EngineSession.Open(new EngineSessionRequest(catalog, _dir.Combine("absent.json"), Configuration: ConfigurationUse.Optional), NullOperationReporter.Instance));

        Assert.Null(session.Configuration);
        Assert.Equal(catalog, session.Catalog.Path);
        Assert.Equal("ConfigurationNotFound", ex.Cause);
    }
}
