using System.Security.Cryptography;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Backup;

/// <summary>SHA-256 of backup files on the share: recorded when written, compared when verified or restored.</summary>
public static class FileHasher
{
    public static async Task<BackupFile> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return new BackupFile(path, stream.Length, Convert.ToHexString(hash).ToLowerInvariant());
    }

    /// <summary>Problems with the files of <paramref name="set"/> as they are on the share now; empty when all match.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(BackupSet set, IOperationReporter reporter, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (set.Files.Count == 0)
            problems.Add($"Backup set {set.BackupSetId} records no files.");
        var activity = $"Checking SHA-256 of {set.Database} {set.Type} backup {set.BackupSetId.ToString()[..8]}";
        for (var i = 0; i < set.Files.Count; i++)
        {
            var file = set.Files[i];
            reporter.Progress(activity, Path.GetFileName(file.Path), 100 * i / set.Files.Count);
            var info = new FileInfo(file.Path);
            if (!info.Exists)
            {
                problems.Add($"{file.Path} is missing.");
                continue;
            }
            if (info.Length != file.SizeBytes)
            {
                problems.Add($"{file.Path} is {info.Length} bytes; the catalog recorded {file.SizeBytes}.");
                continue;
            }
            var actual = await HashAsync(file.Path, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual.Sha256, file.Sha256, StringComparison.OrdinalIgnoreCase))
                problems.Add($"{file.Path} has SHA-256 {actual.Sha256}; the catalog recorded {file.Sha256}.");
        }
        reporter.Completed(activity);
        return problems;
    }
}
