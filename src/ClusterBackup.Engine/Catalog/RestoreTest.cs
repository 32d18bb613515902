namespace ClusterBackup.Engine.Catalog;

/// <summary>
/// One restore test of a backup set: its chain restored into a scratch location on <paramref name="Host"/>, the copy
/// started and checked by the engine, then removed.
/// </summary>
/// <param name="TestId">This test.</param>
/// <param name="BackupSetId">The backup set whose restore was tested (the last of the chain restored).</param>
/// <param name="Started">When the restore began.</param>
/// <param name="Finished">When the check ended.</param>
/// <param name="Host">The machine the copy ran on.</param>
/// <param name="ScratchPath">Where the copy was restored.</param>
/// <param name="Succeeded">The restore, the start and the consistency check all succeeded.</param>
/// <param name="CopyRemoved">The copy was removed afterwards.</param>
/// <param name="Problems">What failed, empty when it succeeded.</param>
public sealed record RestoreTest(Guid TestId, Guid BackupSetId, DateTimeOffset Started, DateTimeOffset Finished, string Host, string ScratchPath,
    bool Succeeded, bool CopyRemoved, IReadOnlyList<string> Problems)
{
    /// <summary>How long the restore and the check took.</summary>
    public TimeSpan Duration => Finished - Started;
}
