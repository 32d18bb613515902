using System.Text.Json;
using ClusterBackup.Lab.Tests.Infrastructure;

namespace ClusterBackup.Lab.Tests.Tape;

/// <summary>
/// The tape cases run once per lab run: five emulated drives each holding a fresh cartridge (lab-tape), then one
/// harness process in the guest that drives the engine's Linux st provider through every case (one .NET start
/// in the guest costs seconds, so the cases share it). Each lab test asserts on one case's observations.
/// </summary>
public sealed class TapeRun
{
    private readonly Dictionary<string, JsonElement> _cases;

    private TapeRun(Dictionary<string, JsonElement> cases) => _cases = cases;

    public static Task<TapeRun> GetAsync(LabFixture lab) => lab.OnceAsync("tape", async guest =>
    {
        var drives = await guest.CheckAsync("lab-tape LAB001:64 LAB002:64 LAB003:4 LAB004:3 LAB005:16", TimeSpan.FromMinutes(3));
        var roles = new[] { "a", "b", "small", "span1", "span2" };
        var sizes = new[] { 64, 64, 4, 3, 16 };
        var arguments = drives.Trim().Split('\n').Select((line, i) => $"--drive {roles[i]}={line.Split(' ')[1]}:{line.Split(' ')[0]}:{sizes[i]}");
        var json = await guest.CheckAsync($"dotnet /opt/lab-harness/ClusterBackup.Lab.Harness.dll tape {string.Join(" ", arguments)}", TimeSpan.FromMinutes(15));
        var cases = JsonDocument.Parse(json).RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
        return new TapeRun(cases);
    });

    /// <summary>The observations of one case; the case's own error (if it threw) fails the test with the st calls it made.</summary>
    public JsonElement Observations(string name)
    {
        Assert.True(_cases.TryGetValue(name, out var result), $"the harness did not run case {name}");
        var error = result.GetProperty("error");
        Assert.True(error.ValueKind == JsonValueKind.Null,
            $"case {name} failed in the guest: {error}\nst calls:\n{string.Join("\n", result.GetProperty("calls").EnumerateArray())}");
        return result.GetProperty("observations");
    }

    public IReadOnlyList<string> Notes(string name) => _cases[name].GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
}

internal static class JsonObservations
{
    public static string Text(this JsonElement o, string key) => o.GetProperty(key).ToString();
    public static int Int(this JsonElement o, string key) => o.GetProperty(key).GetInt32();
    public static bool Flag(this JsonElement o, string key) => o.GetProperty(key).GetBoolean();
}
