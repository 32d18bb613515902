using System.Diagnostics;

namespace ClusterBackup.Engine.Common;

/// <summary>
/// An exclusive lock that holds between processes, and between machines that share the folder it lives in: an
/// operating-system lock on a lock file (opened with <see cref="FileShare.None"/>: flock on Linux, a share lock on
/// Windows and SMB). It dies with the process that holds it, so a crashed writer never blocks the next one. Beside
/// the lock file, <c>&lt;lock&gt;.holder</c> names the holder (host, process id, operation, since) for the
/// message a refused writer gets. A second writer waits up to <see cref="DefaultWait"/> (or the wait it is given),
/// then refuses with <see cref="ErrorKind.ResourceBusy"/>.
/// <para>
/// An operating-system lock can be lost while its holder goes on (an NFS or SMB lock reclaimed after a partition, a paused
/// process), so every acquisition also takes a <see cref="Token"/>: the fencing token, one more than the last holder's, counted
/// in <c>&lt;lock&gt;.token</c> beside the lock file (written while the lock is held, under a temporary name renamed into place
/// and flushed to disk). What the lock protects records the highest token that has written to it and refuses a writer whose
/// token is lower: a writer whose lock was taken over stops instead of writing over the new holder's work.
/// </para>
/// </summary>
public sealed class WriterLock : IDisposable
{
    /// <summary>The environment variable giving the default wait in seconds (0 refuses at once).</summary>
    public const string WaitEnvironmentVariable = "CLUSTERBACKUP_LOCK_WAIT_SECONDS";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly FileStream _stream;

    private WriterLock(string path, FileStream stream, long token, string holder)
    {
        Path = path;
        _stream = stream;
        Token = token;
        Holder = holder;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The fencing token of this acquisition: higher than every earlier holder's of this lock file.</summary>
    public long Token { get; }

    /// <summary>Who took this acquisition (host, process id, operation, since), as written to the holder note.</summary>
    public string Holder { get; }

    /// <summary>The file counting the fencing tokens of <paramref name="lockPath"/>.</summary>
    public static string TokenPath(string lockPath) => lockPath + ".token";

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
                var holder = $"host {Environment.MachineName}, process {Environment.ProcessId}, {operation}, since {DateTimeOffset.UtcNow:u}";
                WriterLock taken;
                try
                {
                    taken = new WriterLock(path, stream, NextToken(path, what), holder);
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }
                try
                {
                    AtomicFile.WriteAllText(HolderPath(path), holder, "the lock holder file");
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
                    $"{Capitalise(what)} is being written by another process ({HolderNote(path)}); waited {limit.TotalSeconds:0.#} s for its lock '{path}'. " +
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

    /// <summary>
    /// The refusal of a writer whose lock was taken over: <paramref name="what"/> (naming the object and where it is) has recorded
    /// token <paramref name="recorded"/>, written by <paramref name="recordedBy"/>, higher than this acquisition's. Nothing more is written.
    /// </summary>
    public ClusterBackupException Fenced(string target, string what, long recorded, string? recordedBy) =>
        new(ErrorKind.ResourceBusy, target,
            $"{Capitalise(what)} has been written with fencing token {recorded} ({recordedBy ?? "holder unknown"}), higher than this writer's token {Token} ({Holder}): " +
            $"this writer's lock '{Path}' was lost and taken over, so it stops and writes nothing more. Run it again.") { Cause = "WriterFenced" };

    /// <summary>Counts the next fencing token, with the lock held: the last one in the token file plus one (1 when there is none yet).</summary>
    private static long NextToken(string path, string what)
    {
        var tokenPath = TokenPath(path);
        long last = 0;
        try
        {
            if (File.Exists(tokenPath))
            {
                var text = File.ReadAllText(tokenPath).Trim();
                if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out last))
                    throw new ClusterBackupException(ErrorKind.InvalidData, tokenPath,
                        $"The fencing token file '{tokenPath}' of {what} does not hold a token ('{(text.Length > 40 ? text[..40] + "..." : text)}'); write into it a number higher than every token the media it protects has recorded.");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ResourceUnavailable, tokenPath, $"Cannot read the fencing token file '{tokenPath}' of {what}: {ex.Message}", ex);
        }
        var next = checked(last + 1);
        AtomicFile.WriteAllText(tokenPath, next.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n", $"the fencing token file of {what}");
        return next;
    }

    /// <summary>The holder note of the lock as it is now: the holder that took the lock last.</summary>
    public string CurrentHolder() => HolderNote(Path);

    private static string HolderNote(string path)
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
