using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

public class AtomicFileTests
{
    [Fact]
    public void WritesTheContentAndLeavesNoTemporaryFile()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("sub", "a.json");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Combine("sub")));
    }

    [Fact]
    public void AnEncodingWithAPreambleWritesIt()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("task.xml");
        AtomicFile.WriteAllText(path, "<Task/>", encoding: Encoding.Unicode);
        Assert.Equal(Encoding.Unicode.GetPreamble(), File.ReadAllBytes(path)[..2]);
        Assert.Equal("<Task/>", File.ReadAllText(path));
    }

    [Fact]
    public void AFailedWriteNamesTheTargetAndLeavesTheOldContent()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("state.json");
        AtomicFile.WriteAllText(path, "old");
        Directory.CreateDirectory(dir.Combine("state.json.blocker"));
        var target = dir.Combine("state.json.blocker");
        var error = Assert.Throws<ClusterBackupException>(() => AtomicFile.WriteAllText(target, "new", "the library state"));
        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Contains($"the library state '{target}'", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void BinaryContentIsWrittenWholeThroughTheStream()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("a.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        var length = AtomicFile.Write(path, stream => { stream.Write([4, 5]); return stream.Length; });
        Assert.Equal(2, length);
        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AWriterThatFailsLeavesTheTargetAsItWasAndNoTemporaryFile()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("a.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<ClusterBackupException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write([9, 9]);
            throw new ClusterBackupException(ErrorKind.ReadError, "source", "the source ended early");
        }));
        Assert.Equal(ErrorKind.ReadError, error.Kind);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WithoutOverwriteAnExistingTargetIsKeptAndNamed()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("gen1.cbblocks");
        AtomicFile.WriteAllBytes(path, [1]);
        var error = Assert.Throws<ClusterBackupException>(() => AtomicFile.Write(path, stream => stream.Write([2]), "the changed-block file", overwrite: false));
        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Contains("the changed-block file", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Equal([1], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AWriterThatOpensTheFileItselfGetsATemporaryPathInTheSameFolder()
    {
        using var dir = new TempDirectory("atomic");
        var path = dir.Combine("restored.img");
        string? seen = null;
        AtomicFile.WriteThrough(path, temporary =>
        {
            seen = temporary;
            Assert.False(File.Exists(path));
            File.WriteAllBytes(temporary, [7, 7]);
        });
        Assert.Equal(dir.Path, Path.GetDirectoryName(seen));
        Assert.NotEqual(path, seen);
        Assert.Equal([7, 7], File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FlushToDiskFlushesEachFileThenItsFolderAndTheFolderAbove()
    {
        using var dir = new TempDirectory("atomic");
        var set = dir.Combine("set");
        Directory.CreateDirectory(set);
        File.WriteAllBytes(Path.Combine(set, "a"), [1]);
        File.WriteAllBytes(Path.Combine(set, "b"), [2]);
        var flushed = AtomicFile.FlushToDisk([Path.Combine(set, "a"), Path.Combine(set, "b")]);
        if (OperatingSystem.IsWindows())
            Assert.Empty(flushed);
        else
            Assert.Equal([Path.GetFullPath(set), Path.GetFullPath(dir.Path)], flushed);
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(set, "a")));
    }

    [Fact]
    public void FlushToDiskOfAMissingFileNamesIt()
    {
        using var dir = new TempDirectory("atomic");
        var missing = dir.Combine("gone.tar.gz");
        var error = Assert.Throws<ClusterBackupException>(() => AtomicFile.FlushToDisk([missing]));
        Assert.Equal(ErrorKind.WriteError, error.Kind);
        Assert.Contains(missing, error.Message);
    }
}
