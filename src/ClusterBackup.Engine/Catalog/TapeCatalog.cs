using ClusterBackup.Engine.Common;
using Microsoft.Data.Sqlite;

namespace ClusterBackup.Engine.Catalog;

/// <summary>Pools, cartridges, sessions, tape objects and their copies (docs/catalog.md, "Tape").</summary>
public sealed class TapeCatalog(CatalogDatabase catalog)
{
    public CatalogDatabase Database => catalog;

    public TapePool EnsurePool(string name, int blockSize)
    {
        return catalog.Write((c, t) =>
        {
            var existing = QueryPools(c, t, name).SingleOrDefault();
            if (existing is not null)
            {
                if (existing.BlockSize != blockSize)
                    throw new ClusterBackupException(ErrorKind.InvalidArgument, name, $"Pool {name} uses block size {existing.BlockSize}, not {blockSize}.");
                return existing;
            }
            var pool = new TapePool(name, blockSize, DateTimeOffset.UtcNow);
            CatalogDatabase.Execute(c, t, "INSERT INTO tape_pools(pool_name, block_size, created_utc) VALUES ($n, $b, $c)",
                ("$n", name), ("$b", blockSize), ("$c", CatalogTime.Format(pool.Created)));
            return pool;
        });
    }

    public IReadOnlyList<TapePool> GetPools() => catalog.Read(c => QueryPools(c, null, null));

    /// <summary>Records a freshly written label: the cartridge is empty (Scratch) in its pool; a relabel replaces the old row.</summary>
    public TapeCartridge RecordLabel(string barcode, Guid volumeId, string pool, int blockSize, DateTimeOffset labelled, string? library) =>
        catalog.Write((c, t) =>
        {
            var stillReferenced = Convert.ToInt64(CatalogDatabase.Scalar(c,
                "SELECT COUNT(*) FROM tape_stream_volumes WHERE barcode = $b", t, ("$b", barcode)));
            if (stillReferenced > 0)
            {
                // The old volume's copies are gone with the relabel: forget where they were.
                CatalogDatabase.Execute(c, t, """
                    DELETE FROM tape_object_copies WHERE stream_id IN (SELECT stream_id FROM tape_stream_volumes WHERE barcode = $b)
                    """, ("$b", barcode));
                CatalogDatabase.Execute(c, t, "DELETE FROM tape_stream_volumes WHERE stream_id IN (SELECT stream_id FROM tape_stream_volumes WHERE barcode = $b)", ("$b", barcode));
            }
            CatalogDatabase.Execute(c, t, "DELETE FROM tape_cartridges WHERE barcode = $b", ("$b", barcode));
            CatalogDatabase.Execute(c, t, """
                INSERT INTO tape_cartridges(barcode, volume_id, pool_name, block_size, status, labelled_utc, next_block, next_file, library)
                VALUES ($b, $v, $p, $bs, 'Scratch', $l, 1, 1, $lib)
                """, ("$b", barcode), ("$v", volumeId.ToString()), ("$p", pool), ("$bs", blockSize), ("$l", CatalogTime.Format(labelled)), ("$lib", library));
            return QueryCartridges(c, t, "barcode = $b", ("$b", barcode)).Single();
        });

    public TapeCartridge? GetCartridge(string barcode) => catalog.Read(c => QueryCartridges(c, null, "barcode = $b", ("$b", barcode)).SingleOrDefault());

    public IReadOnlyList<TapeCartridge> GetCartridges(string? pool = null) =>
        catalog.Read(c => QueryCartridges(c, null, "($p IS NULL OR pool_name = $p)", ("$p", pool)));

    public void UpdateCartridge(string barcode, CartridgeStatus status, long nextBlock, int nextFile) =>
        catalog.Write((c, t) => CatalogDatabase.Execute(c, t,
            "UPDATE tape_cartridges SET status = $s, next_block = $nb, next_file = $nf WHERE barcode = $b",
            ("$s", status.ToString()), ("$nb", nextBlock), ("$nf", nextFile), ("$b", barcode)));

    /// <summary>Records a whole session (streams, volumes, objects, copies) in one transaction.</summary>
    public void RecordSession(TapeSessionRecord session) =>
        catalog.Write((c, t) =>
        {
            CatalogDatabase.Execute(c, t, "INSERT INTO tape_sessions(session_id, job, started_utc, finished_utc, status) VALUES ($id, $j, $s, $f, $st)",
                ("$id", session.SessionId.ToString()), ("$j", session.Job), ("$s", CatalogTime.Format(session.Started)),
                ("$f", CatalogTime.Format(session.Finished)), ("$st", session.Completed ? "Completed" : "Failed"));
            foreach (var stream in session.Streams)
            {
                CatalogDatabase.Execute(c, t, """
                    INSERT INTO tape_streams(stream_id, session_id, agent, mirror_level, pool_name, block_size) VALUES ($id, $s, $a, $m, $p, $b)
                    """, ("$id", stream.StreamId.ToString()), ("$s", session.SessionId.ToString()), ("$a", stream.Agent), ("$m", stream.MirrorLevel),
                    ("$p", stream.Pool), ("$b", stream.BlockSize));
                foreach (var v in stream.Volumes)
                    CatalogDatabase.Execute(c, t, """
                        INSERT INTO tape_stream_volumes(stream_id, volume_seq, barcode, file_number, first_block, last_block) VALUES ($id, $q, $b, $f, $fb, $lb)
                        """, ("$id", stream.StreamId.ToString()), ("$q", v.VolumeSequence), ("$b", v.Barcode), ("$f", v.FileNumber), ("$fb", v.FirstBlock), ("$lb", v.LastBlock));
            }
            foreach (var o in session.Objects)
                CatalogDatabase.Execute(c, t, """
                    INSERT INTO tape_objects(object_id, name, source_path, backup_set_id, length, sha256, created_utc, status)
                    VALUES ($id, $n, $p, $bs, $l, $h, $c, 'Live')
                    ON CONFLICT(object_id) DO NOTHING
                    """, ("$id", o.ObjectId.ToString()), ("$n", o.Name), ("$p", o.SourcePath), ("$bs", o.BackupSetId?.ToString()), ("$l", o.Length),
                    ("$h", o.Sha256), ("$c", CatalogTime.Format(o.Created)));
            foreach (var copy in session.Copies)
                CatalogDatabase.Execute(c, t, """
                    INSERT INTO tape_object_copies(object_id, stream_id, first_volume_seq, first_block, last_volume_seq, last_block, verified)
                    VALUES ($o, $s, $fv, $fb, $lv, $lb, 0)
                    """, ("$o", copy.ObjectId.ToString()), ("$s", copy.StreamId.ToString()), ("$fv", copy.FirstVolumeSequence), ("$fb", copy.FirstBlock),
                    ("$lv", copy.LastVolumeSequence), ("$lb", copy.LastBlock));
        });

    /// <summary>Tape objects with their copies; filters are optional.</summary>
    public IReadOnlyList<TapeObject> GetObjects(Guid? objectId = null, Guid? backupSetId = null, string? barcode = null, bool includeExpired = false) =>
        catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT object_id, name, source_path, backup_set_id, length, sha256, created_utc, status FROM tape_objects o
                WHERE ($id IS NULL OR object_id = $id) AND ($bs IS NULL OR backup_set_id = $bs) AND ($all = 1 OR status = 'Live')
                  AND ($bc IS NULL OR EXISTS (SELECT 1 FROM tape_object_copies oc JOIN tape_stream_volumes v ON v.stream_id = oc.stream_id
                                              WHERE oc.object_id = o.object_id AND v.barcode = $bc
                                                AND v.volume_seq BETWEEN oc.first_volume_seq AND oc.last_volume_seq))
                ORDER BY created_utc, name
                """;
            command.Parameters.AddWithValue("$id", (object?)objectId?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$bs", (object?)backupSetId?.ToString() ?? DBNull.Value);
            command.Parameters.AddWithValue("$bc", (object?)barcode ?? DBNull.Value);
            command.Parameters.AddWithValue("$all", includeExpired ? 1 : 0);
            var objects = new List<TapeObject>();
            using (var r = command.ExecuteReader())
                while (r.Read())
                    objects.Add(new TapeObject
                    {
                        ObjectId = Guid.Parse(r.ReadString(0)), Name = r.ReadString(1), SourcePath = r.IsDBNull(2) ? null : r.ReadString(2),
                        BackupSetId = r.IsDBNull(3) ? null : Guid.Parse(r.ReadString(3)), Length = r.ReadInt64(4), Sha256 = r.ReadString(5),
                        Created = CatalogTime.Parse(r.ReadString(6)), Status = Enum.Parse<TapeObjectStatus>(r.ReadString(7)),
                    });
            return objects.Select(o => o with { Copies = QueryCopies(c, o.ObjectId) }).ToList();
        });

    public TapeStream GetStream(Guid streamId) => catalog.Read(c =>
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT session_id, agent, mirror_level, pool_name, block_size FROM tape_streams WHERE stream_id = $id";
        command.Parameters.AddWithValue("$id", streamId.ToString());
        using var r = command.ExecuteReader();
        if (!r.Read())
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, streamId.ToString(), $"Tape stream {streamId} is not in the catalog.");
        return new TapeStream(streamId, Guid.Parse(r.ReadString(0)), r.ReadString(1), r.ReadInt32(2), r.ReadString(3), r.ReadInt32(4), QueryVolumes(c, streamId));
    });

    public void MarkCopyVerified(Guid objectId, Guid streamId, DateTimeOffset at) =>
        catalog.Write((c, t) => CatalogDatabase.Execute(c, t,
            "UPDATE tape_object_copies SET verified = 1, verified_utc = $at WHERE object_id = $o AND stream_id = $s",
            ("$at", CatalogTime.Format(at)), ("$o", objectId.ToString()), ("$s", streamId.ToString())));

    public void SetObjectStatus(Guid objectId, TapeObjectStatus status) =>
        catalog.Write((c, t) =>
        {
            if (CatalogDatabase.Execute(c, t, "UPDATE tape_objects SET status = $s WHERE object_id = $o", ("$s", status.ToString()), ("$o", objectId.ToString())) == 0)
                throw new ClusterBackupException(ErrorKind.ObjectNotFound, objectId.ToString(), $"Tape object {objectId} is not in the catalog.") { Cause = "TapeObjectNotFound" };
        });

    /// <summary>How many verified tape copies of exactly this content (path and SHA-256) the catalog holds, on distinct cartridges' streams.</summary>
    public int CountVerifiedCopies(string sourcePath, string sha256) => catalog.Read(c => Convert.ToInt32(CatalogDatabase.Scalar(c, """
        SELECT COUNT(DISTINCT oc.stream_id) FROM tape_objects o JOIN tape_object_copies oc ON oc.object_id = o.object_id
        WHERE o.source_path = $p AND o.sha256 = $h AND oc.verified = 1
        """, null, ("$p", sourcePath), ("$h", sha256.ToLowerInvariant()))));

    private static List<TapeObjectCopy> QueryCopies(SqliteConnection c, Guid objectId)
    {
        using var command = c.CreateCommand();
        command.CommandText = """
            SELECT oc.stream_id, s.session_id, s.agent, s.mirror_level, oc.first_volume_seq, oc.first_block, oc.last_volume_seq, oc.last_block,
                   oc.verified, oc.verified_utc,
                   (SELECT group_concat(barcode, ',') FROM (SELECT v.barcode FROM tape_stream_volumes v WHERE v.stream_id = oc.stream_id
                        AND v.volume_seq BETWEEN oc.first_volume_seq AND oc.last_volume_seq ORDER BY v.volume_seq))
            FROM tape_object_copies oc JOIN tape_streams s ON s.stream_id = oc.stream_id
            WHERE oc.object_id = $o ORDER BY s.mirror_level, oc.stream_id
            """;
        command.Parameters.AddWithValue("$o", objectId.ToString());
        var list = new List<TapeObjectCopy>();
        using var r = command.ExecuteReader();
        while (r.Read())
            list.Add(new TapeObjectCopy(objectId, Guid.Parse(r.ReadString(0)), Guid.Parse(r.ReadString(1)), r.ReadString(2), r.ReadInt32(3),
                r.ReadInt32(4), r.ReadInt64(5), r.ReadInt32(6), r.ReadInt64(7), r.ReadInt64(8) != 0,
                r.IsDBNull(9) ? null : CatalogTime.Parse(r.ReadString(9)),
                r.IsDBNull(10) ? [] : r.ReadString(10).Split(',')));
        return list;
    }

    private static List<TapeStreamVolume> QueryVolumes(SqliteConnection c, Guid streamId)
    {
        using var command = c.CreateCommand();
        command.CommandText = "SELECT volume_seq, barcode, file_number, first_block, last_block FROM tape_stream_volumes WHERE stream_id = $s ORDER BY volume_seq";
        command.Parameters.AddWithValue("$s", streamId.ToString());
        var list = new List<TapeStreamVolume>();
        using var r = command.ExecuteReader();
        while (r.Read())
            list.Add(new TapeStreamVolume(r.ReadInt32(0), r.ReadString(1), r.ReadInt32(2), r.ReadInt64(3), r.ReadInt64(4)));
        return list;
    }

    private static List<TapePool> QueryPools(SqliteConnection c, SqliteTransaction? t, string? name)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = "SELECT pool_name, block_size, created_utc FROM tape_pools WHERE ($n IS NULL OR pool_name = $n) ORDER BY pool_name";
        command.Parameters.AddWithValue("$n", (object?)name ?? DBNull.Value);
        var list = new List<TapePool>();
        using var r = command.ExecuteReader();
        while (r.Read())
            list.Add(new TapePool(r.ReadString(0), r.ReadInt32(1), CatalogTime.Parse(r.ReadString(2))));
        return list;
    }

    private static List<TapeCartridge> QueryCartridges(SqliteConnection c, SqliteTransaction? t, string where, params (string Name, object? Value)[] parameters)
    {
        using var command = c.CreateCommand();
        command.Transaction = t;
        command.CommandText = $"SELECT barcode, volume_id, pool_name, block_size, status, labelled_utc, next_block, next_file, library FROM tape_cartridges WHERE {where} ORDER BY barcode";
        foreach (var (n, v) in parameters)
            command.Parameters.AddWithValue(n, v ?? DBNull.Value);
        var list = new List<TapeCartridge>();
        using var r = command.ExecuteReader();
        while (r.Read())
            list.Add(new TapeCartridge(r.ReadString(0), Guid.Parse(r.ReadString(1)), r.ReadString(2), r.ReadInt32(3), Enum.Parse<CartridgeStatus>(r.ReadString(4)),
                CatalogTime.Parse(r.ReadString(5)), r.ReadInt64(6), r.ReadInt32(7), r.IsDBNull(8) ? null : r.ReadString(8)));
        return list;
    }
}
