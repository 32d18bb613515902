using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;
using ClusterBackup.Engine.Databases;

namespace ClusterBackup.Engine.Backup;

/// <summary>Which backup sets to verify: one by id, or the latest (or all) of a server's database.</summary>
/// <param name="BackupSetId">One backup set.</param>
/// <param name="Server">With <paramref name="Database"/>: the latest (or every) backup of that database.</param>
/// <param name="Database">The database whose backups to verify.</param>
/// <param name="Type">Only Full or only Log backups.</param>
/// <param name="All">Every completed backup, not only the latest.</param>
/// <param name="Restore">Also restore each set's chain into a scratch location, start the copy, run the engine's
/// consistency check and remove the copy (as Test-DbaLastBackup), and record the test in the catalog.</param>
/// <param name="ScratchPath">Where restore tests put their copies; default a folder under the system's temporary folder.</param>
public sealed record VerifyBackupSetRequest(Guid? BackupSetId = null, string? Server = null, string? Database = null, BackupType? Type = null, bool All = false,
    bool Restore = false, string? ScratchPath = null);

/// <summary>The outcome of verifying one backup set.</summary>
public sealed record BackupVerification(
    Guid BackupSetId, string VirtualServer, string Database, BackupType Type, string MediaSetId, int Position,
    bool Verified, DateTimeOffset VerifiedAt, IReadOnlyList<string> Problems, RestoreTest? RestoreTest = null);

/// <summary>
/// Test-ClusterDbBackup and `clusterbackup verify`: checks that each file of a backup set is on the share
/// with the size and SHA-256 the catalog recorded, then asks the engine to verify the backup itself
/// (PostgreSQL: pg_verifybackup, WAL continuity; SQL Server: RESTORE VERIFYONLY), and records the result.
/// </summary>
public sealed class VerifyBackupSetOperation(CatalogDatabase catalogDatabase, ClusterBackupConfiguration? configuration, ProviderRegistry providers)
{
    private readonly BackupSetCatalog _catalog = new(catalogDatabase);

    public async Task<IReadOnlyList<BackupVerification>> RunAsync(VerifyBackupSetRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var sets = Select(request);
        var results = new List<BackupVerification>();
        foreach (var set in sets)
            results.Add(await VerifySetAsync(set, EngineLookup.For(set, configuration, providers), reporter, cancellationToken,
                request.Restore ? request.ScratchPath ?? DefaultScratchPath : null).ConfigureAwait(false));
        return results;
    }

    /// <summary>
    /// The error both front ends report for a backup set that did not verify: an ErrorRecord in PowerShell and exit code
    /// 1 in the CLI, beside the verification result itself. It names the backup set and every problem found.
    /// </summary>
    public static ClusterBackupException VerificationFailed(BackupVerification verification) =>
        new(ErrorKind.InvalidData, verification.BackupSetId.ToString(),
            $"Backup set {verification.BackupSetId} ({verification.Type} backup of '{verification.Database}' on '{verification.VirtualServer}', media set {verification.MediaSetId} position {verification.Position}) "
            + $"did not verify: {string.Join("; ", verification.Problems)}");

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

    /// <summary>Where restore tests put their copies unless told otherwise.</summary>
    public static string DefaultScratchPath => Path.Combine(Path.GetTempPath(), "clusterbackup-restore-tests");

    /// <summary>Verifies one set: its files (and, for a log backup, the chain's), the engine's check and, when
    /// <paramref name="restoreScratchPath"/> is given, a restore test there.</summary>
    public async Task<BackupVerification> VerifySetAsync(BackupSet set, IDatabaseEngine engine, IOperationReporter reporter, CancellationToken cancellationToken,
        string? restoreScratchPath = null)
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
        RestoreTest? restoreTest = null;
        if (restoreScratchPath is not null && problems.Count == 0)
        {
            restoreTest = await TestRestoreAsync(set, chain, engine, restoreScratchPath, reporter, cancellationToken).ConfigureAwait(false);
            problems.AddRange(restoreTest.Problems.Select(p => $"restore test: {p}"));
        }
        var at = DateTimeOffset.UtcNow;
        var verified = problems.Count == 0;
        _catalog.MarkVerified(set.BackupSetId, verified, at, verified ? null : string.Join("; ", problems));
        reporter.Verbose($"Backup set {set.BackupSetId} of '{set.Database}': {(verified ? "verified" : "NOT verified: " + string.Join("; ", problems))}.");
        return new BackupVerification(set.BackupSetId, set.VirtualServer, set.Database, set.Type, set.MediaSetId, set.Position, verified, at, problems, restoreTest);
    }

    /// <summary>
    /// Restores the chain up to <paramref name="set"/> into a folder of its own under <paramref name="scratchPath"/>,
    /// has the engine start the copy and check it, removes the copy and records the test. A copy that could not be
    /// removed is a problem of the test, named with its path, so nothing is left behind unnoticed.
    /// </summary>
    private async Task<RestoreTest> TestRestoreAsync(BackupSet set, IReadOnlyList<BackupSet> chain, IDatabaseEngine engine, string scratchPath,
        IOperationReporter reporter, CancellationToken cancellationToken)
    {
        if (engine is not IRestoredCopyChecker checker)
            throw new ClusterBackupException(ErrorKind.NotImplemented, set.BackupSetId.ToString(), $"The {engine.Name} engine cannot test a restore.");
        var testId = Guid.NewGuid();
        var scratch = Path.GetFullPath(scratchPath);
        var target = Path.Combine(scratch, $"{set.Database}-{testId.ToString("N")[..12]}");
        var copyName = $"{set.Database}_restoretest_{testId.ToString("N")[..8]}";
        var started = DateTimeOffset.UtcNow;
        var problems = new List<string>();
        var removed = false;
        var restore = new RestoreRequest(chain, target, null, copyName);
        try
        {
            Directory.CreateDirectory(scratch);
            reporter.Verbose($"Restore test of backup set {set.BackupSetId}: restoring {chain.Count} backup set(s) into '{target}'.");
            await engine.RestoreAsync(restore, reporter, cancellationToken).ConfigureAwait(false);
            var check = await checker.CheckRestoredCopyAsync(restore, set.Database, reporter, cancellationToken).ConfigureAwait(false);
            problems.AddRange(check.Problems);
            if (!check.Succeeded && check.Problems.Count == 0)
                problems.Add($"the {engine.Name} engine's check of the restored copy failed");
        }
        catch (ClusterBackupException ex) when (ex.Kind != ErrorKind.OperationStopped)
        {
            problems.Add(ex.Message);
        }
        catch (IOException ex)
        {
            problems.Add($"cannot use the scratch location '{scratch}': {ex.Message}");
        }
        finally
        {
            removed = await checker.RemoveRestoredCopyAsync(restore, CancellationToken.None).ConfigureAwait(false);
        }
        if (!removed)
            problems.Add($"the restored copy '{target}' could not be removed; remove it by hand");
        var test = new RestoreTest(testId, set.BackupSetId, started, DateTimeOffset.UtcNow, Environment.MachineName, target, problems.Count == 0, removed, problems);
        new RestoreTestCatalog(catalogDatabase).Record(test);
        reporter.Verbose($"Restore test of backup set {set.BackupSetId}: {(test.Succeeded ? "the copy started and passed its check" : string.Join("; ", problems))} ({test.Duration.TotalSeconds:0.0} s).");
        return test;
    }
}
