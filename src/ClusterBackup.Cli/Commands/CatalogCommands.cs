using System.CommandLine;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Cli.Commands;

/// <summary>`clusterbackup catalog list|info`: what the backup operations database holds.</summary>
public sealed class CatalogCommands : ICliCommandGroup
{
    public IEnumerable<Command> Build(CliContext context)
    {
        var catalog = new Command("catalog", "Inspect the backup operations database.");

        var server = new Option<string?>("--server") { Description = "Virtual server the backups were taken from." };
        var database = new Option<string?>("--database") { Description = "Database name." };
        var type = new Option<BackupType?>("--type") { Description = "Full or Log." };
        var list = new Command("list", "List backup sets, oldest first.") { server, database, type };
        list.SetAction(parse => context.Execute(() =>
        {
            var sets = new BackupSetCatalog(context.OpenCatalog(parse))
                .GetBackupSets(new BackupSetQuery(parse.GetValue(server), parse.GetValue(database), parse.GetValue(type)));
            context.Output(parse).Write(sets,
                ("Started", s => s.Started), ("Server", s => s.VirtualServer), ("Node", s => s.Node), ("Database", s => s.Database),
                ("Type", s => s.Type), ("Init", s => s.Initialize), ("MediaSet", s => s.MediaSetId[..8]), ("Pos", s => s.Position),
                ("Size", s => s.SizeBytes), ("First", s => s.FirstLsn), ("Last", s => s.LastLsn), ("Verified", s => s.Verified), ("Status", s => s.Status));
            return CliContext.ExitOk;
        }));
        catalog.Subcommands.Add(list);

        var info = new Command("info", "Show where the catalog is and its schema version.");
        info.SetAction(parse => context.Execute(() =>
        {
            var db = context.OpenCatalog(parse);
            context.Output(parse).WriteOne(new { db.Path, db.SchemaVersion }, ("Path", x => x.Path), ("SchemaVersion", x => x.SchemaVersion));
            return CliContext.ExitOk;
        }));
        catalog.Subcommands.Add(info);
        yield return catalog;
    }
}
