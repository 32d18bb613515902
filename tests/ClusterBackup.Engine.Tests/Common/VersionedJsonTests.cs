using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tests.Common;

/// <summary>The one reader of ClusterBackup's own JSON files: every defect is InvalidData naming the file and the cause.</summary>
public class VersionedJsonTests
{
    [Theory]
    [InlineData("{ not json", "is not valid JSON (line 1")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("""{ "jobs": [] }""", "has no integer 'formatVersion' field")]
    [InlineData("""{ "formatVersion": "1" }""", "has no integer 'formatVersion' field")]
    [InlineData("""{ "formatVersion": 0 }""", "has formatVersion 0; this release reads formatVersion 1.")]
    [InlineData("""{ "formatVersion": 2 }""", "has formatVersion 2; this release reads formatVersion 1 (it was written by a newer ClusterBackup).")]
    public void DefectsNameTheFileAndTheCause(string text, string expected)
    {
        var error = Assert.Throws<ClusterBackupException>(() => VersionedJson.Parse(text, "/etc/cb/s.json", "schedule", "formatVersion", 1));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("/etc/cb/s.json", error.Target);
        Assert.StartsWith("The schedule '/etc/cb/s.json' ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void TheCurrentVersionReadsTheObject()
    {
        var root = VersionedJson.Parse("""{ "version": 1, "name": "x" }""", "c.json", "configuration file", "version", 1);
        Assert.Equal("x", (string?)root["name"]);
    }

    [Fact]
    public void ADiskFullErrorIsRecognisedByItsCodeOrMessage()
    {
        Assert.True(StorageErrors.IsDiskFull(new IOException("write failed", 28)));
        Assert.True(StorageErrors.IsDiskFull(new IOException("No space left on device : '/share/x'")));
        Assert.False(StorageErrors.IsDiskFull(new IOException("Permission denied", 13)));
    }
}
