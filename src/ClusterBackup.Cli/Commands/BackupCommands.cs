using System.CommandLine;
using System.Globalization;
using System.Net;
using ClusterBackup.Engine.Backup;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Configuration;

namespace ClusterBackup.Cli.Commands;

/// <summary>
/// `clusterbackup backup|verify|restore|catalog|share`: the same engine operations as Start-ClusterDbBackup,
/// Test-ClusterDbBackup, Restore-ClusterDbBackup, Get-ClusterDbBackupSet (`catalog list`) and Initialize-ClusterBackupShare (`share init`).
/// </summary>
public sealed class BackupCommands : ICliCommandGroup
{
    /// <summary>Environment variable holding the database password; passwords never go on the command line.</summary>
    public const string PasswordVariable = "CLUSTERBACKUP_PASSWORD";

    public IEnumerable<Command> Build(CliContext context)
    {
        yield return BuildBackup(context);
        yield return BuildVerify(context);
        yield return BuildRestore(context);
        yield return BuildCatalog(context);
        yield return BuildShare(context);
    }

    private static Command BuildShare(CliContext context)
    {
        var share = new Command("share", "Backup shares: give a share its identity (its share marker, recorded in the catalog).");
        var path = new Argument<string>("path") { Description = "The share's root folder, as backups name it with --share." };
        var force = new Option<bool>("--force") { Description = "Also when the catalog records another identity at this path (a replaced share, a lost marker)." };
        var init = new Command("init", "Write the share marker when the share has none and record the share's id in the catalog (Initialize-ClusterBackupShare).") { path, force };
        init.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var catalog = context.OpenOrCreateCatalog(parse);
            var result = await new InitializeBackupShareOperation(catalog).RunAsync(new InitializeBackupShareRequest(parse.GetValue(path)!, parse.GetValue(force)), context.Reporter(parse), token);
            context.Output(parse).WriteOne(result, CliTables.BackupShare);
            return CliContext.ExitOk;
        }));
        share.Subcommands.Add(init);
        return share;
    }

    private static Option<string?> ConfigOption() => new("--config")
    {
        Description = $"Configuration file naming clusters and servers. Default: ${ClusterBackupConfiguration.EnvironmentVariable} or {ClusterBackupConfiguration.DefaultFileName} next to the catalog.",
    };

    private static Command BuildBackup(CliContext context)
    {
        var config = ConfigOption();
        var server = new Option<string[]>("--server", "-s") { Description = "Virtual server (SQL Server network name, PostgreSQL virtual server) to back up; repeat for several.", AllowMultipleArgumentsPerToken = true };
        var cluster = new Option<string?>("--cluster") { Description = "Cluster; without --server, its only configured server." };
        var database = new Option<string[]>("--database", "-d") { Description = "Database to back up; repeat for several. Without it, every user database.", AllowMultipleArgumentsPerToken = true };
        var exclude = new Option<string[]>("--exclude-database") { Description = "Database to leave out; repeat for several.", AllowMultipleArgumentsPerToken = true };
        var type = new Option<BackupType>("--type", "-t") { Description = "Full, Differential (SQL Server only) or Log.", DefaultValueFactory = _ => BackupType.Full };
        var init = new Option<bool>("--init") { Description = "Start a new media set (WITH INIT); the previous one is kept, marked superseded." };
        var share = new Option<string>("--share") { Description = "Backup share root, e.g. \\\\backupsrv\\sql or /mnt/backup.", Required = true };
        var verify = new Option<bool>("--verify") { Description = "Verify each backup after writing it." };
        var checksum = new Option<bool>("--checksum") { Description = "Ask the engine for its strongest checksums." };
        var copyOnly = new Option<bool>("--copy-only") { Description = "A backup outside the chain; not with --type Differential." };
        var user = new Option<string?>("--username") { Description = $"Database login; the password is read from ${PasswordVariable}." };
        var command = new Command("backup", "Back up databases of a clustered server to the backup share (Start-ClusterDbBackup).")
        {
            config, server, cluster, database, exclude, type, init, share, verify, checksum, copyOnly, user,
        };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var reporter = context.Reporter(parse);
            var engine = context.OpenEngine(parse, CatalogUse.CreateIfMissing, ConfigurationUse.Required, parse.GetValue(config));
            IReadOnlyList<string?> servers = parse.GetValue(server) is { Length: > 0 } named ? named.Distinct(StringComparer.OrdinalIgnoreCase).ToList<string?>() : [null];
            var sets = new List<BackupSet>();
            var errors = new List<ClusterBackupException>();
            // Each server on its own, as Start-ClusterDbBackup: one that fails as a whole does not stop the next.
            foreach (var name in servers)
            {
                var request = new BackupDatabaseRequest(parse.GetValue(share)!, parse.GetValue(database) ?? [], parse.GetValue(type), name, parse.GetValue(cluster),
                    parse.GetValue(init), parse.GetValue(verify), parse.GetValue(checksum), parse.GetValue(copyOnly), Credential(parse.GetValue(user)), parse.GetValue(exclude));
                try
                {
                    var outcomes = await engine.BackupDatabase().RunAsync(request, reporter, token).ConfigureAwait(false);
                    sets.AddRange(outcomes.Where(o => o.BackupSet is not null).Select(o => o.BackupSet!));
                    errors.AddRange(outcomes.Where(o => o.Error is not null).Select(o => o.Error!));
                }
                catch (ClusterBackupException ex) when (servers.Count > 1 && ex.Kind != ErrorKind.OperationStopped)
                {
                    errors.Add(ex);
                }
            }
            context.Output(parse).Write(sets, CliTables.BackupSet);
            return context.ExitCodeFor(errors);
        }));
        return command;
    }

    private static Command BuildVerify(CliContext context)
    {
        var config = ConfigOption();
        var id = new Option<Guid?>("--id") { Description = "Backup set id to verify." };
        var server = new Option<string?>("--server", "-s") { Description = "Virtual server whose backups to verify." };
        var database = new Option<string?>("--database", "-d") { Description = "Database whose backups to verify." };
        var type = new Option<BackupType?>("--type", "-t") { Description = "Only Full, only Differential or only Log backups." };
        var all = new Option<bool>("--all") { Description = "Every completed backup, not only the latest." };
        var restore = new Option<bool>("--restore") { Description = "Also restore into a scratch location, start the copy, run the engine's consistency check, remove the copy and record the test." };
        var scratch = new Option<string?>("--scratch") { Description = "Where --restore puts its copies. Default: clusterbackup-restore-tests in the temporary folder." };
        var command = new Command("verify", "Verify backups on the share: SHA-256 of every file, then the engine's own check (Test-ClusterDbBackup).")
        {
            config, id, server, database, type, all, restore, scratch,
        };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var results = await context.OpenEngine(parse, CatalogUse.Existing, ConfigurationUse.Optional, parse.GetValue(config)).VerifyBackupSet()
                .RunAsync(new VerifyBackupSetRequest(parse.GetValue(id), parse.GetValue(server), parse.GetValue(database), parse.GetValue(type), parse.GetValue(all),
                        parse.GetValue(restore), parse.GetValue(scratch)),
                    context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(results, CliTables.BackupVerification);
            return results.All(r => r.Verified) ? CliContext.ExitOk : CliContext.ExitFailed;
        }));
        return command;
    }

    private static Command BuildRestore(CliContext context)
    {
        var config = ConfigOption();
        var server = new Option<string>("--server", "-s") { Description = "Virtual server the backups were taken from.", Required = true };
        var database = new Option<string>("--database", "-d") { Description = "Database to restore.", Required = true };
        var target = new Option<string>("--target") { Description = "New location: an absent or empty data directory (PostgreSQL), a file folder (SQL Server).", Required = true };
        var pointInTime = new Option<string?>("--point-in-time") { Description = "Stop at this time (ISO 8601: 2026-11-21T20:15:00Z, or without a zone in local time); default: all the chain holds." };
        var targetDatabase = new Option<string?>("--target-database") { Description = "SQL Server: the new database name." };
        var backupPath = new Option<string?>("--backup-path") { Description = "Read the backup files from this folder (e.g. restored from tape) instead of the share; found by name, checked by SHA-256." };
        var command = new Command("restore", "Restore a full backup, its latest differential and its log backups into a new location, up to a point in time (Restore-ClusterDbBackup).")
        {
            config, server, database, target, pointInTime, targetDatabase, backupPath,
        };
        command.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            DateTimeOffset? at = null;
            if (parse.GetValue(pointInTime) is { } text)
                at = AdminTime.TryParse(text, out var parsed)
                    ? parsed
                    : throw new ClusterBackupException(ErrorKind.InvalidArgument, text, $"'{text}' is not a point in time; use ISO 8601, e.g. 2026-11-21T20:15:00Z.");
            var result = await context.OpenEngine(parse, CatalogUse.Existing, ConfigurationUse.Optional, parse.GetValue(config)).RestoreDatabase()
                .RunAsync(new RestoreDatabaseRequest(parse.GetValue(server)!, parse.GetValue(database)!, parse.GetValue(target)!, at, parse.GetValue(targetDatabase),
                    parse.GetValue(backupPath)),
                    context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).WriteOne(result, CliTables.RestoreDatabaseResult);
            return CliContext.ExitOk;
        }));
        return command;
    }

    /// <summary>`catalog list|info|new`: the backup sets the catalog holds, where the catalog is, and a new catalog.</summary>
    private static Command BuildCatalog(CliContext context)
    {
        var catalog = new Command("catalog", "Inspect the backup operations database.");

        var server = new Option<string?>("--server") { Description = "Virtual server the backups were taken from." };
        var database = new Option<string?>("--database") { Description = "Database name." };
        var type = new Option<BackupType?>("--type") { Description = "Full, Differential or Log." };
        var since = new Option<string?>("--since") { Description = "Only backups started at or after this time (ISO 8601; without a zone, local time)." };
        var last = new Option<bool>("--last") { Description = "For each database, its latest full backup, the latest differential based on it and the log backups after them." };
        var lastFull = new Option<bool>("--last-full") { Description = "For each database, its latest full backup." };
        var lastLog = new Option<bool>("--last-log") { Description = "For each database, its latest log backup." };
        var lastDiff = new Option<bool>("--last-diff") { Description = "For each database, its latest differential backup." };
        var list = new Command("list", "List backup sets, oldest first (Get-ClusterDbBackupSet).") { server, database, type, since, last, lastFull, lastLog, lastDiff };
        list.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var chosen = new[] { (parse.GetValue(last), LatestBackups.Chain), (parse.GetValue(lastFull), LatestBackups.Full), (parse.GetValue(lastLog), LatestBackups.Log),
                    (parse.GetValue(lastDiff), LatestBackups.Differential) }
                .Where(c => c.Item1).Select(c => c.Item2).ToList();
            if (chosen.Count > 1)
                throw new ClusterBackupException(ErrorKind.InvalidArgument, "--last", "Choose one of --last, --last-full, --last-log and --last-diff.");
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
                from = AdminTime.TryParse(text, out var parsed)
                    ? parsed
                    : throw new ClusterBackupException(ErrorKind.InvalidArgument, text, $"'{text}' is not a time; use ISO 8601, e.g. 2026-11-21T20:15:00Z.");
            var request = new ListBackupSetRequest(parse.GetValue(server), parse.GetValue(database), parse.GetValue(type), from,
                chosen.Count == 0 ? LatestBackups.All : chosen[0]);
            var sets = await context.OpenEngine(parse, CatalogUse.Existing).ListBackupSet().RunAsync(request, context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).Write(sets, CliTables.BackupSet);
            return CliContext.ExitOk;
        }));
        catalog.Subcommands.Add(list);

        var info = new Command("info", "Show where the catalog is and its schema version (Get-ClusterBackupCatalog).");
        info.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var shown = await new GetCatalogInfoOperation(context.OpenCatalog(parse)).RunAsync(new GetCatalogInfoRequest(), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).WriteOne(shown, CliTables.CatalogInfo);
            return CliContext.ExitOk;
        }));
        catalog.Subcommands.Add(info);

        var create = new Command("new", "Create a new, empty catalog where none exists (a backup creates one too). A file that exists is opened, never replaced (New-ClusterBackupCatalog).");
        create.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var created = await new NewCatalogOperation().RunAsync(new NewCatalogRequest(parse.GetValue(CliContext.CatalogOption)), context.Reporter(parse), token).ConfigureAwait(false);
            context.Output(parse).WriteOne(created, CliTables.CatalogInfo);
            return CliContext.ExitOk;
        }));
        catalog.Subcommands.Add(create);
        return catalog;
    }


    private static NetworkCredential? Credential(string? user) =>
        user is null ? null : new NetworkCredential(user, Environment.GetEnvironmentVariable(PasswordVariable) ?? "");
}
