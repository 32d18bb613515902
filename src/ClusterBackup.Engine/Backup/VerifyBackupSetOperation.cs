using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>Which backup sets to verify: one by id, or the latest (or all) of a server's database.</summary>
public sealed record VerifyBackupSetRequest(Guid? BackupSetId = null, string? Server = null, string? Database = null, BackupType? Type = null, bool All = false);

/// <summary>The outcome of verifying one backup set.</summary>
public sealed record BackupVerification(
    Guid BackupSetId, string VirtualServer, string Database, BackupType Type, string MediaSetId, int Position,
    bool Verified, DateTimeOffset VerifiedAt, IReadOnlyList<string> Problems);

/// <summary>
/// Test-ClusterDbBackup and `clusterbackup verify`: checks that each file of a backup set is on the share
/// with the size and SHA-256 the catalog recorded, then asks the engine to verify the backup itself
/// (PostgreSQL: pg_verifybackup, WAL continuity; SQL Server: RESTORE VERIFYONLY), and records the result.
/// </summary>
public sealed class VerifyBackupSetOperation(CatalogDatabase catalogDatabase, ClusterBackupConfiguration? configuration = null)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    public async Task<IReadOnlyList<BackupVerification>> RunAsync(VerifyBackupSetRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var sets = Select(request);
        var results = new List<BackupVerification>();
        foreach (var set in sets)
            results.Add(await VerifySetAsync(set, EngineLookup.For(set, configuration), reporter, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private IReadOnlyList<BackupSet> Select(VerifyBackupSetRequest request)
    {
        if (request.BackupSetId is { } id)
            return _catalog.GetBackupSets(new BackupSetQuery(BackupSetId: id)) is { Count: > 0 } found
                ? found
                : throw new ClusterBackupException(ErrorKind.ObjectNotFound, id.ToString(), $"Backup set {id} is not in the catalog '{catalogDatabase.Path}'.") { Cause = "BackupSetNotFound" };
        if (request.Server is null || request.Database is null)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, request.Server ?? request.Database ?? "",
                "Name a backup set id, or a server and a database whose backups to verify.");
        var sets = _catalog.GetBackupSets(new BackupSetQuery(request.Server, request.Database, request.Type, Status: BackupSetStatus.Completed));
        if (sets.Count == 0)
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, request.Database,
                $"The catalog holds no completed {(request.Type?.ToString() ?? "")} backup of '{request.Database}' on '{request.Server}'.".Replace("  ", " ")) { Cause = "BackupNotFound" };
        return request.All ? sets : [sets[^1]];
    }

    public async Task<BackupVerification> VerifySetAsync(BackupSet set, IDatabaseEngine engine, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var chain = BackupChain.ChainUpTo(BackupChain.ChainSets(_catalog, set.VirtualServer, set.Database), set);
        var toCheck = set.Type == BackupType.Log ? chain : [set];
        foreach (var member in toCheck.Where(s => s.BackupSetId != set.BackupSetId))
            problems.AddRange((await FileHasher.CheckAsync(member, reporter, cancellationToken).ConfigureAwait(false)).Select(p => $"in the chain: {p}"));
        problems.AddRange(await FileHasher.CheckAsync(set, reporter, cancellationToken).ConfigureAwait(false));
        if (problems.Count == 0)
        {
            var result = await engine.VerifyAsync(set, chain, reporter, cancellationToken).ConfigureAwait(false);
            problems.AddRange(result.Problems);
            if (!result.Succeeded && result.Problems.Count == 0)
                problems.Add($"The {engine.Name} engine reported the backup as not verified.");
        }
        var at = DateTimeOffset.UtcNow;
        var verified = problems.Count == 0;
        _catalog.MarkVerified(set.BackupSetId, verified, at, verified ? null : string.Join("; ", problems));
        reporter.Verbose($"Backup set {set.BackupSetId} of '{set.Database}': {(verified ? "verified" : "NOT verified: " + string.Join("; ", problems))}.");
        return new BackupVerification(set.BackupSetId, set.VirtualServer, set.Database, set.Type, set.MediaSetId, set.Position, verified, at, problems);
    }
}
