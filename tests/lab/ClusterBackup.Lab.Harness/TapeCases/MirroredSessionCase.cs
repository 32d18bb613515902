using ClusterBackup.Engine.Tape.Agents;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// The engine's multiplexed write session on real drives: three objects multiplexed by one backup media agent
/// on drive a, each mirrored in the same pass by an agent on drive b (the daisy chain); then each tape is read
/// back by a restore media agent, and every object must come back byte-identical from both.
/// </summary>
public sealed class MirroredSessionCase : ITapeCase
{
    private static readonly int[] Lengths = [1_500_000, 3 << 20, 700_000];
    private const int BlockSize = 256 << 10;

    public string Name => "multiplexed-mirrored-session";
    public IReadOnlyList<string> Drives => ["a", "b"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var directory = Path.Combine(lab.WorkDirectory, "objects");
        var reporter = new CollectingReporter();
        var primaryVolumes = new LabWriteVolumes(lab, ["a"], "Lab", BlockSize);
        var mirrorVolumes = new LabWriteVolumes(lab, ["b"], "LabMirror", BlockSize);
        var primary = new BackupMediaAgent("A1", 0, "Lab", BlockSize, primaryVolumes);
        var mirror = new BackupMediaAgent("M1", 1, "LabMirror", BlockSize, mirrorVolumes);
        var sources = Lengths.Select((length, i) => new FileObjectSource(TestBytes.File(directory, $"object{i}", 300 + i, length), $"LAB/db/object{i}")).ToList();
        var expected = sources.ToDictionary(s => s.ObjectId, s => TestBytes.Sha256(File.ReadAllBytes(s.SourcePath!)));
        var written = TapeWriteSession.Run("lab-mirror", sources.Select(s => new ChainedObject(s, [primary, mirror])).ToList(), reporter, CancellationToken.None);
        foreach (var source in sources)
            source.Dispose();
        result["writeError"] = written.Error?.Message;
        result["objectsWritten"] = written.Objects.Count;
        result["blocksPrimary"] = primary.Writer?.BlocksWritten;
        result["blocksMirror"] = mirror.Writer?.BlocksWritten;
        result["volumes"] = primaryVolumes.Dismounted.Concat(mirrorVolumes.Dismounted).ToList();
        lab.CloseAll();

        foreach (var (role, key) in new[] { ("a", "restoredFromPrimary"), ("b", "restoredFromMirror") })
        {
            var sinks = expected.Keys.ToDictionary(id => id, _ => new HashingSink());
            var restored = new RestoreMediaAgent("R-" + role, new LabReadVolumes(lab, [role]))
                .Read(new RestoreStart(0, null, written.SessionId), expected.Keys.ToHashSet(), (id, _) => sinks[id], CancellationToken.None);
            result[key] = restored.Count(r => r.Complete && r.Sha256 == expected[r.ObjectId] && sinks[r.ObjectId].Sha256 == expected[r.ObjectId]);
            // Multiplexed: the objects' records interleave on tape, so their block ranges overlap.
            if (role == "a")
                result["interleaved"] = restored.Count > 1 && restored.Any(x => restored.Any(y => x != y && x.FirstBlock < y.LastBlock && y.FirstBlock < x.LastBlock));
            lab.CloseAll();
        }
        result["objects"] = expected.Count;
    }
}
