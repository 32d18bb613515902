using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Library;

namespace ClusterBackup.Engine.Tests.Tape;

public class MultiplexMirrorTests
{
    [Fact]
    public void EightObjectsOverTwoDrivesWithTwoLevelMirrorsRestoreByteIdentical()
    {
        using var kit = new TapeTestKit();
        var a1 = kit.Agent("A1", 0);
        var a2 = kit.Agent("A2", 1);
        var m1 = kit.Agent("M1", 2, level: 1, pool: "Offsite");
        var m2 = kit.Agent("M2", 3, level: 2, pool: "Vault");
        var sizes = new long[] { 0, 1, 65_000, 3 << 20, 5_000_123, 200_000, 1 << 20, 2_500_000 };
        var objects = new List<ChainedObject>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var path = kit.SourceFile($"obj{i}.bak", sizes[i], i);
            var head = i % 2 == 0 ? a1 : a2;
            IReadOnlyList<BackupMediaAgent> chain = i switch
            {
                0 or 3 or 5 => [head, m1, m2],
                6 => [head, m1],
                _ => [head],
            };
            objects.Add(new ChainedObject(new FileObjectSource(path, $"obj{i}.bak"), chain));
        }
        var result = TapeWriteSession.Run("test", objects, NullOperationReporter.Instance, CancellationToken.None);
        foreach (var o in objects) o.Source.Dispose();
        Assert.Null(result.Error);
        kit.Catalog.RecordSession(result.ToSessionRecord());

        var catalogued = kit.Catalog.GetObjects();
        Assert.Equal(8, catalogued.Count);
        Assert.Equal(3, catalogued.Single(o => o.Name == "obj3.bak").Copies.Count);
        Assert.Equal(2, catalogued.Single(o => o.Name == "obj6.bak").Copies.Count);
        Assert.Single(catalogued.Single(o => o.Name == "obj1.bak").Copies);

        // Every copy of every object restores byte-identical, from its own tape.
        foreach (var tapeObject in catalogued)
            foreach (var copy in tapeObject.Copies)
            {
                var stream = kit.Catalog.GetStream(copy.StreamId);
                var agent = new RestoreMediaAgent("R1", new CatalogReadVolumes(kit.Library, "drive5", stream));
                var target = kit.Directory.Combine("restore", copy.Agent, tapeObject.Name);
                var sink = new FileObjectSink(target, overwrite: false);
                var restored = agent.Read(new RestoreStart(copy.FirstVolumeSequence, copy.FirstBlock, copy.SessionId),
                    new HashSet<Guid> { tapeObject.ObjectId }, (_, _) => sink, CancellationToken.None);
                Assert.True(restored.Single().Complete);
                Assert.Equal(File.ReadAllBytes(tapeObject.SourcePath!), File.ReadAllBytes(target));
            }
    }
}
