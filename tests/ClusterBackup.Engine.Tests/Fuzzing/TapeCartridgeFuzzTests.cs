using System.Buffers.Binary;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Drives;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tests.Tape;
using Xunit.Abstractions;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// Cartridges written by a real tape session, fuzzed in their container and their blocks (with the block checksums
/// resealed or not), read end to end the way Get-TapeObject -FromMedia reads them: every object of every session,
/// each checked against its SHA-256. The reader reads the tape or fails with an error naming the cartridge.
/// </summary>
[Trait("Category", "Fuzz")]
public class TapeCartridgeFuzzTests(ITestOutputHelper output)
{
    private const string Barcode = "VT0001";

    [Fact]
    public void Cartridge()
    {
        using var kit = new TapeTestKit(drives: 1, cartridges: 1);
        var agent = kit.Agent("A1", 0);
        var objects = Enumerable.Range(0, 3).Select(i => new ChainedObject(
            new FileObjectSource(kit.SourceFile($"f{i}", 10_000 + i * 13_333, i), $"f{i}"), [agent])).ToList();
        var written = TapeWriteSession.Run("fuzz", objects, NullOperationReporter.Instance, CancellationToken.None);
        objects.ForEach(o => o.Source.Dispose());
        Assert.Null(written.Error);
        var original = File.ReadAllBytes(kit.Library.GetCartridgeFile(Barcode).Path);
        Assert.Equal(3, ReadAll(kit.Directory.Combine("clean.tap"), original));

        var counts = FormatFuzzer.Run(output, "tape cartridge", ByteMutation.From([original], ResealBlocks),
            bytes => ReadAll(kit.Directory.Combine($"case-{Environment.CurrentManagedThreadId}.tap"), bytes),
            _ => Barcode, bytes => $"{bytes.Length} bytes: {Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 512)))}", FormatFuzzer.Threads);
        Assert.True(counts.Accepted > 0 && counts.Refused > 0, $"{counts}");
    }

    /// <summary>Reads every session of the cartridge and checks every object; returns the objects complete.</summary>
    private static int ReadAll(string path, byte[] content)
    {
        File.WriteAllBytes(path, content);
        using var drive = new VirtualTapeDrive("fuzz");
        drive.Insert(new VirtualCartridge(Barcode, path, 1L << 30, 1 << 20));
        drive.Load();
        new TapeVolumeReader(drive, Barcode).ReadLabel();
        var complete = 0;
        for (var file = 1; file < 50; file++)
        {
            drive.Rewind();
            try { drive.SpaceFileMarks(file); }
            catch (ClusterBackupException ex) when (ex.Kind == ErrorKind.ReadError) { break; }
            var restore = new RestoreMediaAgent("fuzz", new OneFile(drive, file));
            var read = restore.Read(new RestoreStart(0, null, null), null, (_, _) => new NullObjectSink(), CancellationToken.None);
            if (read.Count == 0)
                break;
            complete += read.Count(r => r.Complete);
        }
        return complete;
    }

    /// <summary>Recomputes every block's payload and header CRC-32C in the SIMH container, so edits reach the record checks.</summary>
    private static byte[] ResealBlocks(byte[] content)
    {
        var copy = (byte[])content.Clone();
        for (long at = 0; at + 4 <= copy.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(copy.AsSpan((int)at));
            if (length == 0)
            {
                at += 4;
                continue;
            }
            if (length == uint.MaxValue || at + 4 + length > copy.Length)
                break;
            var block = copy.AsSpan((int)at + 4, (int)length);
            if (length >= TapeFormat.BlockHeaderLength)
            {
                var payload = BinaryPrimitives.ReadInt32LittleEndian(block[12..]);
                if (payload >= 0 && payload <= block.Length - TapeFormat.BlockHeaderLength)
                    BinaryPrimitives.WriteUInt32LittleEndian(block[56..], Crc32C.Compute(block.Slice(TapeFormat.BlockHeaderLength, payload)));
                BinaryPrimitives.WriteUInt32LittleEndian(block[60..], Crc32C.Compute(block[..60]));
            }
            at += 4 + length + (length & 1) + 4;
        }
        return copy;
    }

    private sealed class OneFile(ITapeDrive drive, int file) : IReadVolumeSource
    {
        public ReadVolume? Mount(int volumeSequence) => volumeSequence == 0 ? new ReadVolume(drive, Barcode, file, null) : null;
        public void Dismount(ReadVolume volume) { }
    }
}
