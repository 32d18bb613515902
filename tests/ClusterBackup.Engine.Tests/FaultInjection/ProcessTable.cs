using System.Diagnostics;

namespace ClusterBackup.Engine.Tests.FaultInjection;

/// <summary>The processes of this machine, as the fault-injection tests look for survivors of a killed run.</summary>
public static class ProcessTable
{
    /// <summary>Process ids whose command line contains <paramref name="text"/> (pgrep -f, exact substring).</summary>
    public static List<int> Naming(string text)
    {
        var start = new ProcessStartInfo("pgrep") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add(System.Text.RegularExpressions.Regex.Escape(text));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Where(pid => pid != Environment.ProcessId).ToList();
    }

    /// <summary>
    /// Waits up to ten seconds for the processes naming <paramref name="text"/> to end (a child notices its parent's death
    /// asynchronously), then kills and returns those still there: an empty list is the pass.
    /// </summary>
    public static async Task<List<string>> SurvivorsAsync(string text)
    {
        var survivors = Naming(text);
        for (var i = 0; i < 100 && survivors.Count > 0; i++)
        {
            await Task.Delay(100);
            survivors = Naming(text);
        }
        var described = survivors.Select(pid => $"{pid}: {CommandLine(pid)}").ToList();
        foreach (var pid in survivors)
            try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
        return described;
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (IOException) { return "(gone)"; }
    }
}
