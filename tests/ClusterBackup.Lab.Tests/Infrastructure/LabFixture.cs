using System.Diagnostics;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Lab.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "lab";
}

/// <summary>
/// One guest for every lab test of a run: builds the image when its key is not cached, boots it (a guest that
/// does not come up is retried once, then every lab test fails with the infrastructure error, saying so), and at
/// the end keeps the console, the journal and the transcript of every guest command under out/lab/guest/.
/// Tests are never retried.
/// </summary>
public sealed class LabFixture : IAsyncLifetime
{
    private LabGuest? _guest;
    private Exception? _unavailable;
    private StreamWriter? _transcript;
    private readonly SemaphoreSlim _once = new(1, 1);
    private readonly Dictionary<string, object> _shared = new();

    public LabGuest Guest => _guest ?? throw new LabUnavailableException($"The lab guest is not available: {_unavailable?.Message}", _unavailable);

    /// <summary>Something several test classes set up once in the guest (a tape library, a PostgreSQL server), made on first use.</summary>
    public async Task<T> OnceAsync<T>(string key, Func<LabGuest, Task<T>> create) where T : notnull
    {
        await _once.WaitAsync();
        try
        {
            if (!_shared.TryGetValue(key, out var value))
                _shared[key] = value = await create(Guest);
            return (T)value;
        }
        finally
        {
            _once.Release();
        }
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("CLUSTERBACKUP_LAB") == "skip" || !OperatingSystem.IsLinux())
            return;
        Directory.CreateDirectory(LabPaths.Logs);
        _transcript = new StreamWriter(Path.Combine(LabPaths.Logs, "transcript.log"), append: false);
        var timings = new List<string>();
        var clock = Stopwatch.StartNew();
        try
        {
            var image = await ExternalProcess.RunAsync(new ExternalCommand("bash", [LabPaths.ImageRecipe], "lab image", Timeout: TimeSpan.FromMinutes(20),
                OnErrorLine: line => { lock (_transcript) { _transcript.WriteLine(line); _transcript.Flush(); } }));
            if (image.ExitCode != 0)
                throw new LabUnavailableException($"the lab image could not be built: {image.StandardError}");
            var folder = image.StandardOutput.Trim().Split('\n')[^1];
            timings.Add($"image {Path.GetFileName(folder)}: {(image.ErrorLines.Count == 0 ? "cached" : "built")} in {clock.Elapsed.TotalSeconds:0} s");
            for (var attempt = 1; attempt <= 2 && _guest is null; attempt++)
            {
                try
                {
                    _guest = await LabGuest.BootAsync(folder, LabPaths.Logs, _transcript, TimeSpan.FromMinutes(6));
                    timings.Add($"boot (attempt {attempt}): {_guest.BootSeconds:0} s");
                }
                catch (LabUnavailableException ex) when (attempt == 1)
                {
                    timings.Add($"boot attempt 1 failed, retrying: {ex.Message}");
                    var console = Path.Combine(LabPaths.Logs, "console.log");
                    if (File.Exists(console))
                        File.Move(console, Path.Combine(LabPaths.Logs, "console-attempt1.log"), overwrite: true);
                }
            }
        }
        catch (Exception ex)
        {
            _unavailable = ex;
            timings.Add($"unavailable: {ex.Message}");
        }
        await File.WriteAllLinesAsync(Path.Combine(LabPaths.Logs, "timings.txt"), timings);
    }

    public async Task DisposeAsync()
    {
        if (_guest is not null)
            await _guest.DisposeAsync();
        _transcript?.Dispose();
    }
}
