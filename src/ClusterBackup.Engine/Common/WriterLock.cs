using System.Diagnostics;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// An exclusive lock that holds between processes, and between machines that share the folder it lives in: an
/// operating-system lock on a lock file (opened with <see cref="FileShare.None"/>: flock on Linux, a share lock on
/// Windows and SMB). It dies with the process that holds it, so a crashed writer never blocks the next one. Beside
/// the lock file, <c>&lt;lock&gt;.holder</c> names the holder (host, process id, operation, since) for the
/// message a refused writer gets. A second writer waits up to <see cref="DefaultWait"/> (or the wait it is given),
/// then refuses with <see cref="ErrorKind.ResourceBusy"/>.
/// </summary>
public sealed class WriterLock : IDisposable
{
    /// <summary>The environment variable giving the default wait in seconds (0 refuses at once).</summary>
    public const string WaitEnvironmentVariable = "CLUSTERBACKUP_LOCK_WAIT_SECONDS";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private WriterLock(string path, FileStream stream)
    {
        Path = path;
        _stream = stream;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>How long a writer waits for a lock by default: $CLUSTERBACKUP_LOCK_WAIT_SECONDS, else 60 seconds.</summary>
    public static TimeSpan DefaultWait =>
        double.TryParse(Environment.GetEnvironmentVariable(WaitEnvironmentVariable), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromSeconds(60);

    /// <summary>
    /// Takes the lock <paramref name="path"/> for <paramref name="what"/> (named in the refusal, e.g. "tape library lib1"),
    /// waiting up to <paramref name="wait"/> (default <see cref="DefaultWait"/>) while another process holds it.
    /// </summary>
    public static WriterLock Acquire(string path, string what, string operation, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        path = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path, $"Cannot create the folder of the lock file '{path}' for {what}: {ex.Message}", ex);
        }
        var deadline = Stopwatch.StartNew();
        var limit = wait ?? DefaultWait;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                var taken = new WriterLock(path, stream);
                try
                {
                    AtomicFile.WriteAllText(HolderPath(path), $"host {Environment.MachineName}, process {Environment.ProcessId}, {operation}, since {DateTimeOffset.UtcNow:u}", "the lock holder file");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ClusterBackupException)
                {
                    // The holder note is for messages only; the lock itself is held.
                }
                return taken;
            }
            catch (IOException) when (deadline.Elapsed < limit)
            {
                Thread.Sleep(PollInterval);
            }
            catch (IOException ex)
            {
                throw new ClusterBackupException(ErrorKind.ResourceBusy, what,
                    $"{Capitalise(what)} is being written by another process ({Holder(path)}); waited {limit.TotalSeconds:0.#} s for its lock '{path}'. " +
                    $"Run again when it is done, or wait longer with {WaitEnvironmentVariable}.", ex);
            }
            catch (UnauthorizedAccessException ex)
            {
                throw new ClusterBackupException(ErrorKind.ResourceUnavailable, path, $"Cannot open the lock file '{path}' for {what}: {ex.Message}", ex);
            }
        }
    }

    /// <summary>Releases the lock (the holder note stays; the next holder overwrites it).</summary>
    public void Dispose() => _stream.Dispose();

    private static string HolderPath(string path) => path + ".holder";

    private static string Holder(string path)
    {
        try
        {
            return File.ReadAllText(HolderPath(path)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "holder unknown";
        }
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
