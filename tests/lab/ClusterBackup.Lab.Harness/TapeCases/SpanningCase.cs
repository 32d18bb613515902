using ClusterBackup.Engine.Tape.Agents;

namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// An object larger than the cartridge in drive span1: the engine's writer meets early warning mid-object, closes
/// the volume (EndOfVolume, file mark) and continues the object on the cartridge in drive span2; a restore agent
/// follows the stream across both and the object comes back byte-identical.
/// </summary>
public sealed class SpanningCase : ITapeCase
{
    private const int BlockSize = 64 << 10;

    public string Name => "spanning";
    public IReadOnlyList<string> Drives => ["span1", "span2"];

    public void Run(TapeLab lab, TapeCaseResult result)
    {
        var length = (lab.Drive("span1").SizeMegabytes + 2) << 20;
        var reporter = new CollectingReporter();
        var volumes = new LabWriteVolumes(lab, ["span1", "span2"], "LabSpan", BlockSize);
        var agent = new BackupMediaAgent("S1", 0, "LabSpan", BlockSize, volumes);
        var source = new FileObjectSource(TestBytes.File(Path.Combine(lab.WorkDirectory, "objects"), "spanning", 900, length), "LAB/db/spanning");
        var expected = TestBytes.Sha256(File.ReadAllBytes(source.SourcePath!));
        var written = TapeWriteSession.Run("lab-span", [new ChainedObject(source, [agent])], reporter, CancellationToken.None);
        source.Dispose();
        result["objectBytes"] = length;
        result["writeError"] = written.Error?.Message;
        result["volumes"] = volumes.Dismounted;
        result["streamVolumes"] = agent.Writer?.Volumes.Count;
        result["messages"] = reporter.Messages.Where(m => m.Contains("early warning", StringComparison.Ordinal)).ToList();
        lab.CloseAll();

        var sink = new HashingSink();
        var restored = new RestoreMediaAgent("R-span", new LabReadVolumes(lab, ["span1", "span2"]))
            .Read(new RestoreStart(0, null, written.SessionId), new HashSet<Guid> { source.ObjectId }, (_, _) => sink, CancellationToken.None);
        var only = restored.SingleOrDefault();
        result["restoredComplete"] = only?.Complete;
        result["restoredIdentical"] = only is not null && only.Sha256 == expected && sink.Sha256 == expected;
        result["restoredVolumes"] = only is null ? null : $"{only.FirstVolumeSequence}..{only.LastVolumeSequence}";
        result["restoreError"] = sink.Error;
    }
}
