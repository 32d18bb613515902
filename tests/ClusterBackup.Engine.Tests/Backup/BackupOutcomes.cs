using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Engine.Tests.Backup;

/// <summary>Reading the outcomes of a backup request in tests that expect it to succeed.</summary>
internal static class BackupOutcomes
{
    /// <summary>The backup set of a one-database request that succeeded; fails the test with the error otherwise.</summary>
    public static BackupSet SingleSet(this IReadOnlyList<DatabaseBackupOutcome> outcomes)
    {
        var outcome = Assert.Single(outcomes);
        Assert.True(outcome.Error is null, outcome.Error?.Message);
        return outcome.BackupSet!;
    }

    /// <summary>The server resolved for a request naming one database that exists.</summary>
    public static async Task<ResolvedServer> ResolveOneAsync(ClusterBackupConfiguration configuration, ServerDefinition server, string database,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var resolution = await ServerResolver.ResolveAsync(configuration, ProviderRegistry.Default, server, [database], reporter, cancellationToken);
        Assert.Empty(resolution.DatabaseErrors);
        return resolution.Server!;
    }
}
