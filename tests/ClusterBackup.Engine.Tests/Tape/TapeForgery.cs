using System.Buffers.Binary;
using System.Security.Cryptography;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>
/// Forges one object's copy on a virtual cartridge (a SIMH .tap file) the way a careful attacker or a firmware bug would: a data byte
/// changed, the object's ObjectEnd SHA-256 rewritten to match, and every checksum of the changed blocks recomputed. The copy is then
/// self-consistent on tape; only the catalog's SHA-256 tells it from the original.
/// </summary>
internal static class TapeForgery
{
    public static void ForgeObject(string tapeFile, Guid objectId)
    {
        var tape = File.ReadAllBytes(tapeFile);
        var blocks = new List<int>();                   // offsets of block data (after the SIMH length word)
        for (var offset = 0; offset < tape.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(tape.AsSpan(offset));
            if (length == 0 || length == -1) { offset += 4; continue; }
            blocks.Add(offset + 4);
            offset += 8 + length + (length & 1);
        }
        var data = new List<(int Block, int Offset, int Length)>();
        (int Block, int Offset)? end = null;
        foreach (var b in blocks)
        {
            var header = TapeBlockHeader.Parse(tape.AsSpan(b), "forged", 0);
            for (var at = 0; at < header.PayloadLength;)
            {
                var record = TapeRecordHeader.Parse(tape.AsSpan(b + TapeFormat.BlockHeaderLength + at, header.PayloadLength - at), "forged", 0, at);
                var dataOffset = b + TapeFormat.BlockHeaderLength + at + TapeFormat.RecordHeaderLength;
                if (record.ObjectId == objectId && record.Type == TapeRecordType.ObjectData)
                    data.Add((b, dataOffset, record.DataLength));
                if (record.ObjectId == objectId && record.Type == TapeRecordType.ObjectEnd)
                    end = (b, dataOffset);
                at += record.TotalLength;
            }
        }
        if (data.Count == 0 || end is null)
            throw new InvalidOperationException($"object {objectId} is not on {tapeFile}");
        tape[data[0].Offset + 7] ^= 0x5A;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, offset, length) in data)
            sha.AppendData(tape, offset, length);
        sha.GetHashAndReset().CopyTo(tape, end.Value.Offset + 8);
        foreach (var b in new[] { data[0].Block, end.Value.Block }.Distinct())
        {
            var header = TapeBlockHeader.Parse(tape.AsSpan(b), "forged", 0);
            (header with { PayloadCrc = Crc32C.Compute(tape.AsSpan(b + TapeFormat.BlockHeaderLength, header.PayloadLength)) }).Write(tape.AsSpan(b));
        }
        File.WriteAllBytes(tapeFile, tape);
    }
}
