using System.Security.Cryptography;
using System.Text;
using ClusterBackup.Engine.Common;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>Filters for listing backup sets; null means "any".</summary>
public sealed record BackupSetQuery(
    string? VirtualServer = null,
    string? Database = null,
    BackupType? Type = null,
    string? MediaSetId = null,
    BackupSetStatus? Status = null,
    DateTimeOffset? Since = null,
    Guid? BackupSetId = null);

/// <summary>Reads and records backup sets and media sets.</summary>
public sealed class BackupSetCatalog(CatalogDatabase catalog)
{
    public CatalogDatabase Database => catalog;

    /// <summary>The media set a new backup would go to, without changing anything; null when none is active.</summary>
    public MediaSet? GetActiveMediaSet(string virtualServer, string database, BackupType type) =>
        catalog.Read(c => QueryMediaSets(c, null, "virtual_server = $s AND database_name = $d AND backup_type = $t AND status = 'Active'",
            ("$s", virtualServer), ("$d", database), ("$t", type.ToString()))).SingleOrDefault();

    public IReadOnlyList<MediaSet> GetMediaSets(string? virtualServer = null, string? database = null) =>
        catalog.Read(c => QueryMediaSets(c, null, "($s IS NULL OR virtual_server = $s) AND ($d IS NULL OR database_name = $d)",
            ("$s", virtualServer), ("$d", database)));

    /// <summary>
    /// Records a finished backup in one transaction: when <see cref="BackupSet.Initialize"/> is set, the
    /// active media set for its server, database and type is marked superseded and <paramref name="newMediaSet"/>
    /// becomes active; otherwise the backup is appended to the active media set (created from
    /// <paramref name="newMediaSet"/> when there is none). Returns the set with its position filled in.
    /// With <paramref name="writer"/>, the media-set lock the backup was written under, the same transaction refuses the set when a
    /// media set of its server, database and type has recorded a higher fencing token (the lock was taken over by a later writer),
    /// and records the writer's token on the media set.
    /// </summary>
    public BackupSet RecordCompleted(BackupSet set, MediaSet newMediaSet, WriterLock? writer = null)
    {
        if (set.Status != BackupSetStatus.Completed)
            throw new ArgumentException("Only completed backup sets are recorded.", nameof(set));
        return catalog.Write((c, t) =>
        {
            if (writer is not null)
            {
                // The lock covers every media set of this server, database and type (an -Initialize starts a new one under it), so the
                // highest token of any of them is what a later holder of the lock has committed.
                var highest = Convert.ToInt64(CatalogDatabase.Scalar(c,
                    "SELECT COALESCE(MAX(writer_token), 0) FROM media_sets WHERE virtual_server = $s AND database_name = $d AND backup_type = $t", t,
                    ("$s", set.VirtualServer), ("$d", set.Database), ("$t", set.Type.ToString())));
                if (highest > writer.Token)
                    throw writer.Fenced(set.Database, $"the {set.Type} media sets of '{set.Database}' on '{set.VirtualServer}' in the catalog", highest, writer.CurrentHolder());
            }
            var active = QueryMediaSets(c, t, "virtual_server = $s AND database_name = $d AND backup_type = $t AND status = 'Active'",
                ("$s", set.VirtualServer), ("$d", set.Database), ("$t", set.Type.ToString())).SingleOrDefault();
            string mediaSetId;
            if (active is not null && !set.Initialize)
            {
                mediaSetId = active.MediaSetId;
            }
            else
            {
                mediaSetId = newMediaSet.MediaSetId;
                CatalogDatabase.Execute(c, t, """
                    INSERT INTO media_sets(media_set_id, virtual_server, database_name, backup_type, share_path, created_utc, status)
                    VALUES ($id, $s, $d, $t, $p, $c, 'Pending')
                    """.Replace("'Pending'", active is null ? "'Active'" : "'Superseded'"),
                    ("$id", mediaSetId), ("$s", set.VirtualServer), ("$d", set.Database), ("$t", set.Type.ToString()),
                    ("$p", newMediaSet.SharePath), ("$c", CatalogTime.Format(newMediaSet.Created)));
                if (active is not null)
                {
                    // The unique "one active" index forbids two active rows, so the old one steps down first.
                    CatalogDatabase.Execute(c, t, "UPDATE media_sets SET status = 'Superseded', superseded_utc = $now, superseded_by = $new WHERE media_set_id = $old",
                        ("$now", CatalogTime.Format(DateTimeOffset.UtcNow)), ("$new", mediaSetId), ("$old", active.MediaSetId));
                    CatalogDatabase.Execute(c, t, "UPDATE media_sets SET status = 'Active' WHERE media_set_id = $new", ("$new", mediaSetId));
                }
            }
            if (writer is not null)
                CatalogDatabase.Execute(c, t, "UPDATE media_sets SET writer_token = MAX(writer_token, $token) WHERE media_set_id = $m", ("$token", writer.Token), ("$m", mediaSetId));
            var position = Convert.ToInt32(CatalogDatabase.Scalar(c, "SELECT COALESCE(MAX(position), 0) + 1 FROM backup_sets WHERE media_set_id = $m", t, ("$m", mediaSetId)));
            var recorded = set with { MediaSetId = mediaSetId, Position = position, Checksum = ComputeChecksum(set.Files) };
            Insert(c, t, recorded);
            return recorded;
        });
    }

    public void MarkVerified(Guid backupSetId, bool verified, DateTimeOffset at, string? error = null) =>
        catalog.Write((c, t) =>
        {
            var changed = CatalogDatabase.Execute(c, t, "UPDATE backup_sets SET verified = $v, verified_utc = $at, error = COALESCE($e, error) WHERE backup_set_id = $id",
                ("$v", verified ? 1 : 0), ("$at", CatalogTime.Format(at)), ("$e", error), ("$id", backupSetId.ToString()));
            if (changed == 0)
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, backupSetId.ToString(), $"Backup set {backupSetId} is not in the catalog.") { Cause = "BackupSetNotFound" };
        });

    public IReadOnlyList<BackupSet> GetBackupSets(BackupSetQuery? query = null)
    {
        query ??= new BackupSetQuery();
        return catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT backup_set_id, cluster, virtual_server, node, database_name, engine, backup_type, init_mode, copy_only,
                       media_set_id, position, started_utc, finished_utc, size_bytes, first_lsn, last_lsn, timeline, checksum,
                       status, verified, verified_utc, error, checkpoint_lsn, differential_base_lsn
                FROM backup_sets
                WHERE ($s IS NULL OR virtual_server = $s COLLATE NOCASE) AND ($d IS NULL OR database_name = $d)
                  AND ($t IS NULL OR backup_type = $t) AND ($m IS NULL OR media_set_id = $m)
                  AND ($st IS NULL OR status = $st) AND ($since IS NULL OR started_utc >= $since)
                  AND ($id IS NULL OR backup_set_id = $id)
                ORDER BY started_utc, backup_set_id
                """;
            command.Parameters.AddWithValue("$s", (object?)query.VirtualServer ?? DBNull.Value);
            command.Parameters.AddWithValue("$d", (object?)query.Database ?? DBNull.Value);
            command.Parameters.AddWithValue("$t", (object?)query.Type?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$m", (object?)query.MediaSetId ?? DBNull.Value);
            command.Parameters.AddWithValue("$st", (object?)query.Status?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$since", query.Since is { } since ? CatalogTime.Format(since) : DBNull.Value);
            command.Parameters.AddWithValue("$id", (object?)query.BackupSetId?.ToString() ?? DBNull.Value);
            var sets = new List<BackupSet>();
            using (var reader = command.ExecuteReader())
                while (reader.Read())
                    sets.Add(ReadBackupSet(reader));
            return sets.Select(s => WithFiles(c, s)).ToList();
        });
    }

    /// <summary>SHA-256 over "path\tsha256\n" lines in ordinal path order.</summary>
    public static string ComputeChecksum(IEnumerable<BackupFile> files)
    {
        var text = string.Concat(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{f.Path}\t{f.Sha256}\n"));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();
    }

    private static void Insert(SqliteConnection c, SqliteTransaction t, BackupSet s)
    {
        CatalogDatabase.Execute(c, t, """
            INSERT INTO backup_sets(backup_set_id, cluster, virtual_server, node, database_name, engine, backup_type, init_mode, copy_only,
                                    media_set_id, position, started_utc, finished_utc, size_bytes, first_lsn, last_lsn, timeline, checksum,
                                    status, verified, verified_utc, error, checkpoint_lsn, differential_base_lsn)
            VALUES ($id, $cl, $vs, $n, $d, $e, $t, $i, $co, $m, $p, $st, $fi, $sz, $fl, $ll, $tl, $ck, $status, $v, $vu, $err, $cp, $db)
            """,
            ("$id", s.BackupSetId.ToString()), ("$cl", s.Cluster), ("$vs", s.VirtualServer), ("$n", s.Node), ("$d", s.Database),
            ("$e", s.Engine), ("$t", s.Type.ToString()), ("$i", s.Initialize ? "Init" : "Append"), ("$co", s.CopyOnly ? 1 : 0),
            ("$m", s.MediaSetId), ("$p", s.Position), ("$st", CatalogTime.Format(s.Started)),
            ("$fi", s.Finished is { } f ? CatalogTime.Format(f) : null), ("$sz", s.SizeBytes), ("$fl", s.FirstLsn), ("$ll", s.LastLsn),
            ("$tl", s.Timeline), ("$ck", s.Checksum), ("$status", s.Status.ToString()), ("$v", s.Verified ? 1 : 0),
            ("$vu", s.VerifiedAt is { } v ? CatalogTime.Format(v) : null), ("$err", s.Error), ("$cp", s.CheckpointLsn), ("$db", s.DifferentialBaseLsn));
        foreach (var file in s.Files)
            CatalogDatabase.Execute(c, t, "INSERT INTO backup_files(backup_set_id, path, size_bytes, sha256) VALUES ($id, $p, $s, $h)",
                ("$id", s.BackupSetId.ToString()), ("$p", file.Path), ("$s", file.SizeBytes), ("$h", file.Sha256));
    }

    private static BackupSet ReadBackupSet(SqliteDataReader r) => new()
    {
        BackupSetId = Guid.Parse(r.ReadString(0)), Cluster = r.ReadString(1), VirtualServer = r.ReadString(2), Node = r.ReadString(3),
        Database = r.ReadString(4), Engine = r.ReadString(5), Type = Enum.Parse<BackupType>(r.ReadString(6)),
        Initialize = r.ReadString(7) == "Init", CopyOnly = r.ReadInt64(8) != 0, MediaSetId = r.ReadString(9), Position = r.ReadInt32(10),
        Started = CatalogTime.Parse(r.ReadString(11)), Finished = r.IsDBNull(12) ? null : CatalogTime.Parse(r.ReadString(12)),
        SizeBytes = r.ReadInt64(13), FirstLsn = r.IsDBNull(14) ? null : r.ReadString(14), LastLsn = r.IsDBNull(15) ? null : r.ReadString(15),
        Timeline = r.IsDBNull(16) ? null : r.ReadString(16), Checksum = r.IsDBNull(17) ? null : r.ReadString(17),
        Status = Enum.Parse<BackupSetStatus>(r.ReadString(18)), Verified = r.ReadInt64(19) != 0,
        VerifiedAt = r.IsDBNull(20) ? null : CatalogTime.Parse(r.ReadString(20)), Error = r.IsDBNull(21) ? null : r.ReadString(21),
        CheckpointLsn = r.IsDBNull(22) ? null : r.ReadString(22), DifferentialBaseLsn = r.IsDBNull(23) ? null : r.ReadString(23),
    };

    private static BackupSet WithFiles(SqliteConnection c, BackupSet s)
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT path, size_bytes, sha256 FROM backup_files WHERE backup_set_id = $id ORDER BY path";
        command.Parameters.AddWithValue("$id", s.BackupSetId.ToString());
        var files = new List<BackupFile>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
            files.Add(new BackupFile(reader.ReadString(0), reader.ReadInt64(1), reader.ReadString(2)));
        return s with { Files = files };
    }

    private static List<MediaSet> QueryMediaSets(SqliteConnection c, SqliteTransaction? t, string where, params (string Name, object? Value)[] parameters)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = $"SELECT media_set_id, virtual_server, database_name, backup_type, share_path, created_utc, status, superseded_utc, superseded_by FROM media_sets WHERE {where} ORDER BY created_utc";
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        var result = new List<MediaSet>();
        using var r = command.ExecuteReader();
        while (r.Read())
            result.Add(new MediaSet(r.ReadString(0), r.ReadString(1), r.ReadString(2), Enum.Parse<BackupType>(r.ReadString(3)), r.ReadString(4),
                CatalogTime.Parse(r.ReadString(5)), Enum.Parse<MediaSetStatus>(r.ReadString(6)),
                r.IsDBNull(7) ? null : CatalogTime.Parse(r.ReadString(7)), r.IsDBNull(8) ? null : r.ReadString(8)));
        return result;
    }
}
