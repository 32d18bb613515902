using ClusterBackup.Engine.Digest;

namespace ClusterBackup.Engine.Catalog;

/// <summary>Reads and records changed-block chains and generations (tables block_backup_chains, block_backup_generations).</summary>
public sealed class ChangedBlockCatalog(CatalogDatabase catalog)
{
    public IReadOnlyList<ChangedBlockGeneration> GetGenerations(string storePath)
    {
        var store = Path.GetFullPath(storePath);
        return catalog.Read(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT c.chain_id, c.source_path, c.store_path, c.block_size, c.algorithm, g.generation, g.taken_utc, g.snapshot_method,
                       g.device_size, g.block_count, g.changed_blocks, g.stored_bytes, g.data_file, g.data_sha256, g.map_file
                FROM block_backup_generations g JOIN block_backup_chains c ON c.chain_id = g.chain_id
                WHERE c.store_path = $store ORDER BY g.generation
                """;
            command.Parameters.AddWithValue("$store", store);
            using var reader = command.ExecuteReader();
            var list = new List<ChangedBlockGeneration>();
            while (reader.Read())
            {
                list.Add(new ChangedBlockGeneration
                {
                    ChainId = reader.ReadString(0),
                    SourcePath = reader.ReadString(1),
                    StorePath = reader.ReadString(2),
                    BlockSize = reader.ReadInt32(3),
                    Algorithm = Enum.Parse<DigestAlgorithm>(reader.ReadString(4)),
                    Generation = reader.ReadInt32(5),
                    Taken = CatalogTime.Parse(reader.ReadString(6)),
                    SnapshotMethod = Enum.Parse<SnapshotMethod>(reader.ReadString(7)),
                    DeviceSize = reader.ReadInt64(8),
                    BlockCount = reader.ReadInt64(9),
                    ChangedBlocks = reader.ReadInt64(10),
                    StoredBytes = reader.ReadInt64(11),
                    DataFile = Path.Combine(store, reader.ReadString(12)),
                    DataSha256 = reader.ReadString(13),
                    MapFile = Path.Combine(store, reader.ReadString(14)),
                });
            }
            return list;
        });
    }

    /// <summary>Records a generation (creating its chain on generation 1) in one transaction.</summary>
    public void Record(ChangedBlockGeneration generation)
    {
        catalog.Write((connection, transaction) =>
        {
            if (generation.Generation == 1)
            {
                CatalogDatabase.Execute(connection, transaction, """
                    INSERT INTO block_backup_chains(chain_id, source_path, store_path, block_size, algorithm, created_utc)
                    VALUES ($id, $source, $store, $block, $algorithm, $created)
                    """,
                    ("$id", generation.ChainId), ("$source", generation.SourcePath), ("$store", generation.StorePath),
                    ("$block", generation.BlockSize), ("$algorithm", generation.Algorithm.ToString()), ("$created", CatalogTime.Format(generation.Taken)));
            }
            CatalogDatabase.Execute(connection, transaction, """
                INSERT INTO block_backup_generations(chain_id, generation, taken_utc, snapshot_method, device_size, block_count,
                    changed_blocks, stored_bytes, data_file, data_sha256, map_file)
                VALUES ($id, $generation, $taken, $method, $size, $blocks, $changed, $stored, $data, $sha, $map)
                """,
                ("$id", generation.ChainId), ("$generation", generation.Generation), ("$taken", CatalogTime.Format(generation.Taken)),
                ("$method", generation.SnapshotMethod.ToString()), ("$size", generation.DeviceSize), ("$blocks", generation.BlockCount),
                ("$changed", generation.ChangedBlocks), ("$stored", generation.StoredBytes), ("$data", Path.GetFileName(generation.DataFile)),
                ("$sha", generation.DataSha256), ("$map", Path.GetFileName(generation.MapFile)));
        });
    }
}
