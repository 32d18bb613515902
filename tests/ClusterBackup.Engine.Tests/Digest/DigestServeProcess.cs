using System.Diagnostics;
using System.Text;
using ClusterBackup.Engine.Tests.FaultInjection;

namespace ClusterBackup.Engine.Tests.Digest;

/// <summary>
/// <c>clusterbackup digest serve</c> in its own process on a free loopback port, for the endpoint tests that need a
/// process of their own: a pause point armed through the environment, a lowered descriptor limit. Its standard error
/// (the endpoint's log) is collected; Dispose kills it.
/// </summary>
internal sealed class DigestServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    public DigestServeProcess(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliProcess.CliAssembly);
        foreach (var argument in new[] { "digest", "serve", "--port", "0" }.Concat(arguments))
            start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CLUSTERBACKUP_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        _process = Process.Start(start)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        var listening = _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1)).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException($"digest serve exited ({Log})");
        Port = int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public int Port { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Waits (at most <paramref name="limit"/>) until the log holds <paramref name="text"/>.</summary>
    public bool WaitForLog(string text, TimeSpan limit)
    {
        var stop = DateTime.UtcNow + limit;
        while (!Log.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > stop || _process.HasExited)
                return Log.Contains(text, StringComparison.Ordinal);
            Thread.Sleep(50);
        }
        return true;
    }

    /// <summary>How many descriptors the process has open now.</summary>
    public int OpenDescriptors => Directory.GetFileSystemEntries($"/proc/{ProcessId}/fd").Length;

    public void Dispose()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
        _process.Dispose();
    }
}
