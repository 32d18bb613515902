using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Newtonsoft.Json.Linq;
using Npgsql;

namespace ClusterBackup.Engine.Tests.Databases.PostgreSql;

/// <summary>
/// A real PostgreSQL primary and streaming standby on loopback for one test class: free ports, a private
/// folder under /tmp, servers run as the postgres user, both archiving into one WAL archive (as every node of
/// a cluster would), a Static topology and a configuration file that name them. Disposing stops both
/// servers and removes the folder, also when a test failed.
/// </summary>
public sealed class PostgreSqlPair : IDisposable
{
    public const string Cluster = "pgclu";
    public const string VirtualServer = "pgvs";
    public const string Database = "appdb";
    /// <summary>The installed server's binaries (initdb, postgres): <c>pg_config --bindir</c>, else the newest
    /// /usr/lib/postgresql/N/bin. The configuration names no toolDirectory, so the engine finds its tools from the
    /// server's version as it does for a user.</summary>
    public static readonly string BinDirectory = FindServerBinaries();
    private const string ServerUser = "postgres";
    private readonly List<string> _running = [];

    public PostgreSqlPair()
    {
        Root = Path.Combine("/tmp", $"cb-pgpair-{Guid.NewGuid().ToString("N")[..12]}");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Sockets);
        Directory.CreateDirectory(Archive);
        Directory.CreateDirectory(Share);
        Chown(Root);
        try
        {
            PrimaryPort = FreePort();
            StandbyPort = FreePort();
            RunAsPostgres("initdb", "-D", PrimaryData, "-A", "trust", "-U", "postgres", "--no-sync");
            File.AppendAllText(Path.Combine(PrimaryData, "postgresql.conf"), $"""

                port = {PrimaryPort}
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{Sockets}'
                wal_level = replica
                archive_mode = on
                archive_command = 'test -f {Archive}/%f || (cp %p {Archive}/%f.tmp && mv {Archive}/%f.tmp {Archive}/%f)'
                max_wal_senders = 10
                hot_standby = on
                fsync = off
                shared_buffers = 16MB

                """);
            Start(PrimaryData);
            Execute(PrimaryPort, "postgres", $"CREATE DATABASE {Database}");
            RunAsPostgres("pg_basebackup", "-h", "127.0.0.1", "-p", PrimaryPort.ToString(), "-U", "postgres", "-D", StandbyData, "-R", "-X", "stream", "-c", "fast");
            File.AppendAllText(Path.Combine(StandbyData, "postgresql.auto.conf"), $"port = {StandbyPort}\n");
            Start(StandbyData);
            WaitUntil(() => Scalar<long>(PrimaryPort, "postgres", "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1, "the standby to stream");
            WriteConfiguration();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Root { get; }
    public string PrimaryData => Path.Combine(Root, "node1");
    public string StandbyData => Path.Combine(Root, "node2");
    public string Sockets => Path.Combine(Root, "sock");
    public string Archive => Path.Combine(Root, "wal-archive");
    public string Share => Path.Combine(Root, "share");
    public string ConfigurationPath => Path.Combine(Root, "clusterbackup.json");
    public string TopologyPath => Path.Combine(Root, "topology.json");
    public string CatalogPath => Path.Combine(Root, "catalog.db");
    public int PrimaryPort { get; }
    public int StandbyPort { get; }

    private void WriteConfiguration()
    {
        File.WriteAllText(TopologyPath, new JObject
        {
            ["version"] = 1,
            ["cluster"] = Cluster,
            ["nodes"] = new JArray(
                new JObject { ["name"] = "node1", ["address"] = $"127.0.0.1:{PrimaryPort}", ["state"] = "Online" },
                new JObject { ["name"] = "node2", ["address"] = $"127.0.0.1:{StandbyPort}", ["state"] = "Online" }),
            ["groups"] = new JArray(new JObject { ["name"] = VirtualServer, ["owner"] = "node1", ["state"] = "Online" }),
        }.ToString());
        File.WriteAllText(ConfigurationPath, new JObject
        {
            ["version"] = 1,
            ["clusters"] = new JArray(new JObject { ["name"] = Cluster, ["provider"] = "Static", ["settings"] = new JObject { ["topologyFile"] = "topology.json" } }),
            ["servers"] = new JArray(new JObject
            {
                ["name"] = VirtualServer, ["cluster"] = Cluster, ["engine"] = "PostgreSql",
                ["settings"] = new JObject { ["walArchive"] = "wal-archive", ["archiveWaitSeconds"] = 30 },
            }),
        }.ToString());
    }

    /// <summary>Planned failover: the old primary stops (its last WAL reaches the standby), the standby is promoted.</summary>
    public void Failover()
    {
        Stop(PrimaryData);
        RunAsPostgres("pg_ctl", "-D", StandbyData, "-w", "promote");
        WaitUntil(() => !Scalar<bool>(StandbyPort, "postgres", "SELECT pg_is_in_recovery()"), "the standby to leave recovery");
    }

    public void Start(string dataDirectory, int? port = null)
    {
        var options = port is { } p ? new[] { "-o", $"-c port={p} -c listen_addresses='127.0.0.1' -c unix_socket_directories='{Sockets}'" } : [];
        RunAsPostgres("pg_ctl", ["-D", dataDirectory, "-l", dataDirectory + ".log", "-w", "-t", "60", .. options, "start"]);
        lock (_running) _running.Add(dataDirectory);
    }

    public void Stop(string dataDirectory)
    {
        RunAsPostgres("pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "stop");
        lock (_running) _running.Remove(dataDirectory);
    }

    public static NpgsqlConnection Connect(int port, string database)
    {
        var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Pooling=false;Timeout=10");
        connection.Open();
        return connection;
    }

    public static void Execute(int port, string database, string sql)
    {
        using var connection = Connect(port, database);
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public static T Scalar<T>(int port, string database, string sql)
    {
        using var connection = Connect(port, database);
        using var command = new NpgsqlCommand(sql, connection);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T));
    }

    public static List<int> Ids(int port, string database, string table)
    {
        using var connection = Connect(port, database);
        using var command = new NpgsqlCommand($"SELECT id FROM {table} ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var ids = new List<int>();
        while (reader.Read())
            ids.Add(reader.GetInt32(0));
        return ids;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindServerBinaries()
    {
        try
        {
            var start = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var bindir = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (process.ExitCode == 0 && File.Exists(Path.Combine(bindir, "initdb")))
                return bindir;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on PATH: look where the distribution's packages put the server.
        }
        var installed = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Bin: Path.Combine(d, "bin"), Version: decimal.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1))
                .Where(x => x.Version > 0 && File.Exists(Path.Combine(x.Bin, "initdb")))
                .OrderByDescending(x => x.Version).Select(x => x.Bin).FirstOrDefault()
            : null;
        return installed ?? throw new InvalidOperationException("No PostgreSQL server binaries (initdb): no pg_config on PATH and nothing under /usr/lib/postgresql (apt-get install postgresql).");
    }

    public static void Chown(string path) => Run("chown", "-R", ServerUser, path);

    public static void RunAsPostgres(string tool, params string[] arguments) => Run("runuser", ["-u", ServerUser, "--", Path.Combine(BinDirectory, tool), .. arguments]);

    public static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error.Result}{output.Result}");
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (condition())
                    return;
            }
            catch (NpgsqlException) { }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Timed out waiting for {what}.");
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        List<string> running;
        lock (_running) running = [.. _running];
        foreach (var data in running)
        {
            try { RunAsPostgres("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"); }
            catch (InvalidOperationException) { }
        }
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
