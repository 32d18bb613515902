using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

/// <summary>Every acquisition of a writer lock takes a fencing token higher than every earlier one, counted beside the lock file.</summary>
public class WriterLockTests
{
    [Fact]
    public void EachAcquisitionTakesAHigherTokenCountedBesideTheLock()
    {
        using var dir = new TempDirectory("writer-lock");
        var path = dir.Combine("locks", "library.lock");
        long first;
        using (var a = WriterLock.Acquire(path, "tape library vtl", "first", TimeSpan.Zero))
            first = a.Token;
        using var b = WriterLock.Acquire(path, "tape library vtl", "second", TimeSpan.Zero);

        Assert.Equal(1, first);
        Assert.Equal(2, b.Token);
        Assert.Equal("2", File.ReadAllText(WriterLock.TokenPath(path)).Trim());
        Assert.Contains("second", b.Holder);
    }

    [Fact]
    public void AnUnreadableTokenFileIsRefusedNamingIt()
    {
        using var dir = new TempDirectory("writer-lock");
        var path = dir.Combine("library.lock");
        File.WriteAllText(WriterLock.TokenPath(path), "not a number");

        var error = Assert.Throws<ClusterBackupException>(() => WriterLock.Acquire(path, "tape library vtl", "backup", TimeSpan.Zero));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains(WriterLock.TokenPath(path), error.Message);
    }
}
