using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Databases.PostgreSql;

namespace ClusterBackup.Engine.Tests.Databases.PostgreSql;

/// <summary>
/// The tools are those of the server's major version, found in stand-in package folders and on a stand-in PATH
/// (shell scripts that print what the real tools print); never the newest installed, never a fixed version.
/// </summary>
public class PostgreSqlToolsTests
{
    [Theory]
    [InlineData(150008, "15")]
    [InlineData(170002, "17")]
    [InlineData(100023, "10")]
    [InlineData(90624, "9.6")]
    public void MajorVersionOfServerVersionNumber(int number, string major) =>
        Assert.Equal(major, PostgreSqlTools.MajorOfVersionNumber(number));

    [Theory]
    [InlineData("pg_basebackup (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)", "15")]
    [InlineData("PostgreSQL 16.2", "16")]
    [InlineData("pg_ctl (PostgreSQL) 9.6.24", "9.6")]
    [InlineData("PostgreSQL 18beta1", "18")]
    [InlineData("something else 15.1", null)]
    public void MajorVersionOfToolOutput(string output, string? major) =>
        Assert.Equal(major, PostgreSqlTools.MajorOfVersionOutput(output));

    [Fact]
    public void TakesThePackageFolderOfTheServersVersionNotTheNewest()
    {
        using var temp = new TempDirectory("pgtools");
        var v14 = StandIn(temp, "lib/postgresql/14/bin", "14.9");
        StandIn(temp, "lib/postgresql/16/bin", "16.2");
        var tools = Locate(temp, "14", path: "");
        Assert.Equal(v14, tools.Directory);
        Assert.Equal("14", tools.MajorVersion);
    }

    [Fact]
    public void APgConfigOfAnotherVersionOnPathIsPassedOver()
    {
        using var temp = new TempDirectory("pgtools");
        var v16 = StandIn(temp, "lib/postgresql/16/bin", "16.2");
        var v15 = StandIn(temp, "lib/postgresql/15/bin", "15.18");
        var pathDir = Directory.CreateDirectory(temp.Combine("path")).FullName;
        Script(Path.Combine(pathDir, "pg_config"), $"""
            case "$1" in --version) echo "PostgreSQL 16.2";; --bindir) echo "{v16}";; esac
            """);
        Assert.Equal(v16, Locate(temp, "16", pathDir).Directory);
        Assert.Equal(v15, Locate(temp, "15", pathDir).Directory);
    }

    [Fact]
    public void AToolFolderOnPathIsTakenOnlyWhenItsVersionMatches()
    {
        using var temp = new TempDirectory("pgtools");
        var onPath = StandIn(temp, "opt/pg/bin", "13.4");
        Assert.Equal(onPath, Locate(temp, "13", onPath).Directory);
        var error = Assert.Throws<ClusterBackupException>(() => Locate(temp, "12", onPath));
        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
    }

    [Fact]
    public void MissingToolsOfTheServersVersionAreNamedInTheError()
    {
        using var temp = new TempDirectory("pgtools");
        StandIn(temp, "lib/postgresql/16/bin", "16.2");
        var error = Assert.Throws<ClusterBackupException>(() => Locate(temp, "15", path: ""));
        Assert.Equal("pgvs", error.Target);
        Assert.Contains("runs PostgreSQL 15", error.Message);
        Assert.Contains(temp.Combine("lib/postgresql/15/bin"), error.Message);
        Assert.Contains("toolDirectory", error.Message);
    }

    [Fact]
    public void AConfiguredToolDirectoryOfAnotherVersionIsRefused()
    {
        using var temp = new TempDirectory("pgtools");
        var v16 = StandIn(temp, "lib/postgresql/16/bin", "16.2");
        Assert.Equal(v16, PostgreSqlTools.Locate(v16, "pgvs", "16", [], "").Directory);
        var error = Assert.Throws<ClusterBackupException>(() => PostgreSqlTools.Locate(v16, "pgvs", "15", [], ""));
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("runs PostgreSQL 15", error.Message);
        Assert.Contains("PostgreSQL 16", error.Message);
    }

    [Fact]
    public void TheDataDirectoryNamesItsVersion()
    {
        using var temp = new TempDirectory("pgdata");
        File.WriteAllText(temp.Combine("PG_VERSION"), "15\n");
        Assert.Equal("15", PostgreSqlTools.MajorOfDataDirectory(temp.Path));
        File.Delete(temp.Combine("PG_VERSION"));
        var error = Assert.Throws<ClusterBackupException>(() => PostgreSqlTools.MajorOfDataDirectory(temp.Path));
        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("PG_VERSION", error.Message);
    }

    private static PostgreSqlTools Locate(TempDirectory temp, string major, string path) =>
        PostgreSqlTools.Locate(null, "pgvs", major, [temp.Combine("lib/postgresql/{0}/bin")], path);

    /// <summary>A folder with a pg_basebackup that prints its version as the real one does.</summary>
    private static string StandIn(TempDirectory temp, string folder, string version)
    {
        var dir = Directory.CreateDirectory(temp.Combine(folder)).FullName;
        Script(Path.Combine(dir, "pg_basebackup"), $"""echo "pg_basebackup (PostgreSQL) {version}" """);
        return dir;
    }

    private static void Script(string path, string body)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("The stand-in tools are POSIX shell scripts.");
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
