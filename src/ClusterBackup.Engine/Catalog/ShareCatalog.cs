namespace ClusterBackup.Engine.Catalog;

/// <summary>The backup shares recorded in the catalog with their identity (table shares, docs/catalog.md).</summary>
public sealed class ShareCatalog(CatalogDatabase catalog)
{
    /// <summary>The share recorded at exactly <paramref name="sharePath"/> (a full path), or null.</summary>
    public BackupShare? Get(string sharePath) => All().SingleOrDefault(s => string.Equals(s.Path, Normalize(sharePath), StringComparison.Ordinal));

    /// <summary>The recorded share that holds <paramref name="path"/> (the deepest one when shares nest), or null.</summary>
    public BackupShare? Holding(string path)
    {
        var full = Normalize(path);
        return All().Where(s => full == s.Path || full.StartsWith(s.Path == "/" ? "/" : s.Path + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .OrderByDescending(s => s.Path.Length).FirstOrDefault();
    }

    public IReadOnlyList<BackupShare> All() =>
        catalog.Read(c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT share_path, share_id, created_utc FROM shares ORDER BY share_path";
            using var reader = command.ExecuteReader();
            var shares = new List<BackupShare>();
            while (reader.Read())
                shares.Add(new BackupShare(reader.ReadString(0), Guid.Parse(reader.ReadString(1)), CatalogTime.Parse(reader.ReadString(2))));
            return shares;
        });

    /// <summary>Records (or replaces) the identity of a share in one transaction.</summary>
    public void Record(BackupShare share) =>
        catalog.Write((c, t) => CatalogDatabase.Execute(c, t, """
            INSERT INTO shares(share_path, share_id, created_utc, recorded_utc) VALUES ($p, $id, $c, $r)
            ON CONFLICT(share_path) DO UPDATE SET share_id = excluded.share_id, created_utc = excluded.created_utc, recorded_utc = excluded.recorded_utc
            """,
            ("$p", Normalize(share.Path)), ("$id", share.ShareId.ToString()), ("$c", CatalogTime.Format(share.Created)), ("$r", CatalogTime.Format(DateTimeOffset.UtcNow))));

    /// <summary>The form shares are recorded under: the full path without a trailing separator.</summary>
    public static string Normalize(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var trimmed = full.TrimEnd(System.IO.Path.DirectorySeparatorChar);
        return trimmed.Length == 0 ? full : trimmed;
    }
}
