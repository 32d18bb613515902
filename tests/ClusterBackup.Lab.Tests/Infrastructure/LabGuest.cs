using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterBackup.Engine.Common;

namespace ClusterBackup.Lab.Tests.Infrastructure;

/// <summary>The guest could not be brought up or reached: an infrastructure error, not a test failure.</summary>
public sealed class LabUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One running guest: qemu (TCG, the image with -snapshot so the cached image stays pristine, the product and the
/// harness shared read-only over 9p, ssh forwarded to a free loopback port) and one multiplexed ssh connection
/// (ControlMaster) that every command reuses, because a new ssh handshake costs seconds under TCG.
/// Every command goes into the transcript with its output and exit code.
/// </summary>
public sealed class LabGuest : IAsyncDisposable
{
    private readonly string _image;
    private readonly string _work;
    private readonly StreamWriter _transcript;
    private readonly int _port;
    private int? _pid;

    private LabGuest(string image, string work, StreamWriter transcript)
    {
        _image = image;
        _work = work;
        _transcript = transcript;
        _port = FreePort();
    }

    public string ConsoleLog => Path.Combine(_work, "console.log");
    private string Key => Path.Combine(_image, "lab_key");
    private string Control => Path.Combine(_work, "ssh.ctl");

    /// <summary>Boots the guest and waits until ssh answers and systemd has finished starting up.</summary>
    public static async Task<LabGuest> BootAsync(string image, string work, StreamWriter transcript, TimeSpan timeout)
    {
        Directory.CreateDirectory(work);
        var guest = new LabGuest(image, work, transcript);
        try
        {
            await guest.StartAsync(timeout).ConfigureAwait(false);
            return guest;
        }
        catch
        {
            await guest.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAsync(TimeSpan timeout)
    {
        var pidFile = Path.Combine(_work, "qemu.pid");
        File.Delete(pidFile);
        File.Delete(ConsoleLog);
        var clock = Stopwatch.StartNew();
        string[] args =
        [
            "-accel", "tcg", "-cpu", "max", "-m", "2048", "-smp", "2", "-display", "none", "-no-reboot", "-snapshot",
            "-kernel", Path.Combine(_image, "vmlinuz"), "-initrd", Path.Combine(_image, "initrd.img"),
            "-append", "console=ttyS0 root=/dev/vda rw quiet",
            "-drive", $"file={Path.Combine(_image, "root.img")},format=raw,if=virtio,cache=unsafe",
            "-netdev", $"user,id=n0,hostfwd=tcp:127.0.0.1:{_port}-:22", "-device", "virtio-net-pci,netdev=n0,romfile=",
            "-virtfs", $"local,path={LabPaths.Product},mount_tag=product,security_model=none,readonly=on,id=product",
            "-virtfs", $"local,path={LabPaths.Harness},mount_tag=harness,security_model=none,readonly=on,id=harness",
            "-serial", $"file:{ConsoleLog}", "-monitor", "none", "-pidfile", pidFile, "-daemonize",
        ];
        var qemu = await ExternalProcess.RunAsync(new ExternalCommand("qemu-system-x86_64", args, "lab guest", Timeout: TimeSpan.FromMinutes(2))).ConfigureAwait(false);
        if (qemu.ExitCode != 0)
            throw new LabUnavailableException($"qemu did not start (exit {qemu.ExitCode}): {qemu.StandardError}");
        _pid = int.Parse(File.ReadAllText(pidFile).Trim());
        Log($"qemu pid {_pid}, ssh on 127.0.0.1:{_port}");

        // The master connection: backgrounded by ssh itself (-f), its output to a file so nothing waits on it.
        while (true)
        {
            if (!Alive)
                throw new LabUnavailableException($"qemu exited during boot; console: {Tail(ConsoleLog)}");
            if (clock.Elapsed > timeout)
                throw new LabUnavailableException($"the guest did not answer ssh within {timeout.TotalSeconds:0} s; console: {Tail(ConsoleLog)}");
            var master = await ExternalProcess.RunAsync(new ExternalCommand("bash",
                ["-c", $"ssh {string.Join(" ", SshOptions(master: true))} -f -N root@127.0.0.1 </dev/null >>'{_work}/ssh-master.log' 2>&1"],
                "lab guest", Timeout: TimeSpan.FromSeconds(60))).ConfigureAwait(false);
            if (master.ExitCode == 0)
                break;
            await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        }
        Log($"ssh up after {clock.Elapsed.TotalSeconds:0.0} s");
        var state = await RunAsync("systemctl is-system-running --wait; systemctl --failed --no-legend --plain", TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var mounts = await RunAsync("test -f /opt/clusterbackup/clusterbackup.dll && test -f /opt/lab-harness/ClusterBackup.Lab.Harness.dll").ConfigureAwait(false);
        if (!mounts.Succeeded)
            throw new LabUnavailableException($"the guest does not see the product on its read-only shares (/opt/clusterbackup, /opt/lab-harness); systemd: {state.Output}");
        BootSeconds = clock.Elapsed.TotalSeconds;
        Log($"guest up after {BootSeconds:0.0} s ({state.Output.Trim()})");
    }

    public double BootSeconds { get; private set; }

    private bool Alive => _pid is { } pid && File.Exists($"/proc/{pid}/status");

    private List<string> SshOptions(bool master) =>
    [
        "-i", Key, "-p", _port.ToString(), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
        "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=15", "-o", $"ControlPath={Control}",
        "-o", master ? "ControlMaster=yes" : "ControlMaster=no", .. (master ? new[] { "-o", "ControlPersist=yes" } : []),
    ];

    /// <summary>Runs a bash script in the guest as root; it gets the script on standard input.</summary>
    public async Task<GuestResult> RunAsync(string script, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(10);
        var clock = Stopwatch.StartNew();
        ExternalResult result;
        try
        {
            result = await ExternalProcess.RunAsync(new ExternalCommand("ssh", [.. SshOptions(master: false), "root@127.0.0.1", "bash -s"], "lab guest",
                Input: script, Timeout: limit)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log($"$ {script}\n!! {ex.Message}");
            throw new LabUnavailableException($"a command in the guest did not finish within {limit.TotalSeconds:0} s or could not run: {ex.Message}", ex);
        }
        var done = new GuestResult(result.ExitCode, result.StandardOutput, result.StandardError, clock.Elapsed);
        Log($"$ {script.TrimEnd()}\n[exit {done.ExitCode}, {done.Duration.TotalSeconds:0.0} s]\n{Indent(done.Output)}{(done.Error.Length > 0 ? "stderr:\n" + Indent(done.Error) : "")}");
        if (done.ExitCode == 255 && !Alive)
            throw new LabUnavailableException($"the guest went away (qemu exited); console: {Tail(ConsoleLog)}");
        return done;
    }

    /// <summary>Runs a script that must succeed; a failure is an assertion failure showing its output.</summary>
    public async Task<string> CheckAsync(string script, TimeSpan? timeout = null)
    {
        var result = await RunAsync(script, timeout).ConfigureAwait(false);
        Assert.True(result.Succeeded, $"guest command failed (exit {result.ExitCode}):\n{script}\n--- stdout\n{result.Output}\n--- stderr\n{result.Error}");
        return result.Output;
    }

    /// <summary>Writes a text file in the guest.</summary>
    public Task<string> WriteFileAsync(string path, string content) =>
        CheckAsync($"mkdir -p \"$(dirname '{path}')\" && base64 -d > '{path}' <<'EOF'\n{Convert.ToBase64String(Encoding.UTF8.GetBytes(content))}\nEOF");

    /// <summary>Keeps the guest's journal and kernel log next to the console log, then powers it off (killing our qemu if it hangs).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Alive)
        {
            try
            {
                var journal = await RunAsync("journalctl -b --no-pager -o short-precise; echo; echo '--- dmesg'; dmesg", TimeSpan.FromMinutes(2)).ConfigureAwait(false);
                await File.WriteAllTextAsync(Path.Combine(_work, "journal.txt"), journal.Output).ConfigureAwait(false);
                await RunAsync("systemctl --no-block poweroff", TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log($"could not collect the journal or power off: {ex.Message}");
            }
            for (var i = 0; i < 60 && Alive; i++)
                await Task.Delay(1000).ConfigureAwait(false);
            if (Alive)
            {
                Log($"poweroff timed out; killing qemu pid {_pid}");
                try { Process.GetProcessById(_pid!.Value).Kill(); } catch (ArgumentException) { }
            }
        }
        await ExternalProcess.RunAsync(new ExternalCommand("ssh", [.. SshOptions(false), "-O", "exit", "root@127.0.0.1"], "lab guest", Timeout: TimeSpan.FromSeconds(10))).ConfigureAwait(false);
    }

    private void Log(string text)
    {
        lock (_transcript)
        {
            _transcript.WriteLine($"[{DateTime.Now:HH:mm:ss}] {text}");
            _transcript.Flush();
        }
    }

    private static string Indent(string text) => text.Length == 0 ? "" : string.Join("\n", text.TrimEnd().Split('\n').Select(l => "  " + l)) + "\n";

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join("\n", File.ReadLines(path).TakeLast(15)) : "(no console output)";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
