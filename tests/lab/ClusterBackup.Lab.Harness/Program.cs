using System.Diagnostics;
using System.Text.Json;
using ClusterBackup.Lab.Harness.TapeCases;

// ClusterBackup.Lab.Harness tape --work DIR --drive ROLE=/dev/nstN:BARCODE:SIZE_MB ... [CASE ...]
// Runs the tape cases (all, or the ones named) against the guest's st drives and prints one JSON array of
// results on standard output. A case that throws is reported with its error; the others still run.
if (args.Length == 0 || args[0] != "tape")
{
    Console.Error.WriteLine("usage: ClusterBackup.Lab.Harness tape --work DIR --drive ROLE=/dev/nstN:BARCODE:SIZE_MB ... [CASE ...]");
    return 2;
}
var drives = new Dictionary<string, LabDrive>(StringComparer.Ordinal);
var work = "/var/lab/harness";
var wanted = new List<string>();
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--work":
            work = args[++i];
            break;
        case "--drive":
            var (role, spec) = (args[++i].Split('=', 2)[0], args[i].Split('=', 2)[1].Split(':'));
            drives[role] = new LabDrive(role, spec[0], spec[1], int.Parse(spec[2]));
            break;
        default:
            wanted.Add(args[i]);
            break;
    }
}
var unknown = wanted.Except(TapeCaseCatalog.All.Select(c => c.Name)).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"unknown case(s): {string.Join(", ", unknown)}; known: {string.Join(", ", TapeCaseCatalog.All.Select(c => c.Name))}");
    return 2;
}

Directory.CreateDirectory(work);
var lab = new TapeLab(drives, work);
var results = new List<TapeCaseResult>();
foreach (var tapeCase in TapeCaseCatalog.All.Where(c => wanted.Count == 0 || wanted.Contains(c.Name)))
{
    var result = new TapeCaseResult(tapeCase.Name);
    var clock = Stopwatch.StartNew();
    Console.Error.WriteLine($"case {tapeCase.Name}");
    try
    {
        var missing = tapeCase.Drives.Where(r => !lab.Has(r)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"needs drives in roles {string.Join(", ", missing)}");
        tapeCase.Run(lab, result);
    }
    catch (Exception ex)
    {
        result.Error = $"{ex.GetType().Name}: {ex.Message}";
    }
    finally
    {
        lab.CloseAll();
        result.Seconds = Math.Round(clock.Elapsed.TotalSeconds, 2);
        result.Calls = lab.System.TakeCalls();
    }
    results.Add(result);
}
Console.Out.Write(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
return 0;
