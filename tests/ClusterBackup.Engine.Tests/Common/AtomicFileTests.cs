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
}
