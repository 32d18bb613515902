using System.Buffers.Binary;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Databases.PostgreSql;

/// <summary>
/// WAL continuity and segment headers on made-up chains (1 MiB segments, a size PostgreSQL allows, to keep
/// the files small). The same check runs on real WAL in the failover test.
/// </summary>
public sealed class WalChainVerificationTests : IDisposable
{
    private const long Seg = 1024 * 1024;
    private readonly TempDirectory _dir = new("walchain");

    public void Dispose() => _dir.Dispose();

    private BackupFile Segment(ulong segment, uint timeline = 1, ulong systemId = 42, ulong? pageAddress = null)
    {
        var path = _dir.Combine(WalLocation.SegmentFileName(timeline, segment, Seg));
        var bytes = new byte[Seg];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0), 0xD110);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), 0x0002);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), timeline);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), pageAddress ?? segment * (ulong)Seg);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), systemId);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), (uint)Seg);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), 8192);
        File.WriteAllBytes(path, bytes);
        return new BackupFile(path, Seg, "");
    }

    private static BackupSet Set(BackupType type, int minute, ulong first, ulong last, params BackupFile[] files) => new()
    {
        BackupSetId = Guid.NewGuid(), Cluster = "c", VirtualServer = "vs", Node = "n", Database = "d", Engine = "PostgreSql", Type = type,
        Initialize = false, MediaSetId = "m", Started = DateTimeOffset.UnixEpoch.AddMinutes(minute), Files = files,
        FirstLsn = WalLocation.FormatLsn(first), LastLsn = WalLocation.FormatLsn(last), Timeline = "1",
    };

    private static ulong At(ulong segment, ulong offset = 0) => segment * (ulong)Seg + offset;

    [Fact]
    public void AContinuousChainHasNoProblems()
    {
        var full = Set(BackupType.Full, 0, At(2, 0x28), At(2, 0x100));
        var log1 = Set(BackupType.Log, 1, At(2), At(3, 0x500), Segment(2), Segment(3));
        var log2 = Set(BackupType.Log, 2, At(4), At(5, 0x40), Segment(4), Segment(5));
        Assert.Empty(PostgreSqlVerifier.VerifyWalChain(log2, [full, log1, log2]));
    }

    [Fact]
    public void AGapBetweenLogBackupsIsReported()
    {
        var full = Set(BackupType.Full, 0, At(2, 0x28), At(2, 0x100));
        var log1 = Set(BackupType.Log, 1, At(2), At(3, 0x500), Segment(2), Segment(3));
        var log2 = Set(BackupType.Log, 2, At(5), At(5, 0x40), Segment(5));
        var problems = PostgreSqlVerifier.VerifyWalChain(log2, [full, log1, log2]);
        Assert.Contains(problems, p => p.Contains("missing"));
    }

    [Fact]
    public void AMissingSegmentAWrongAddressAndAForeignSystemAreReported()
    {
        var full = Set(BackupType.Full, 0, At(2, 0x28), At(2, 0x100));
        var log = Set(BackupType.Log, 1, At(2), At(5, 0x10), Segment(2), Segment(3, pageAddress: At(7)), Segment(5, systemId: 7));
        var problems = PostgreSqlVerifier.VerifyWalChain(log, [full, log]);
        Assert.Contains(problems, p => p.Contains("lacks WAL segment") && p.Contains(WalLocation.SegmentFileName(1, 4, Seg)));
        Assert.Contains(problems, p => p.Contains("starts at"));
        Assert.Contains(problems, p => p.Contains("database system"));
    }

    [Fact]
    public void ALogWithoutAFullBeforeItIsReported() =>
        Assert.Contains("no full backup", PostgreSqlVerifier.VerifyWalChain(Set(BackupType.Log, 1, At(2), At(3), Segment(2)), [])[0]);
}
