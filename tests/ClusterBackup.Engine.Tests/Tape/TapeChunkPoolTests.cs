using ClusterBackup.Engine.Tape.Agents;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tests.Tape;

/// <summary>The pooled native record buffers: page-aligned, reused, and freed only when their pool is disposed.</summary>
public class TapeChunkPoolTests
{
    [Fact]
    public unsafe void BuffersArePageAlignedAndReused()
    {
        using var pool = new TapeChunkPool(64 << 10);
        var chunk = pool.Rent();
        Assert.Equal(64 << 10, chunk.Buffer.Length);
        using (var pin = chunk.Record.Pin())
            Assert.Equal(0, (long)(nint)pin.Pointer % 4096);
        pool.Return(chunk);
        Assert.Same(chunk, pool.Rent());
    }

    [Fact]
    public void SealedRecordIsTheHeaderAndDataInTheBuffer()
    {
        using var pool = new TapeChunkPool(4096);
        var chunk = pool.Rent();
        chunk.Buffer.Slice(TapeFormat.RecordHeaderLength, 3).Fill(0x5A);
        chunk.Seal(new TapeRecordHeader(TapeRecordType.ObjectData, TapeRecordFlags.Start, 3, Guid.NewGuid(), 0));
        Assert.Equal(TapeFormat.RecordHeaderLength + 3, chunk.Record.Length);
        Assert.Equal(Crc32C.Compute(chunk.Record.Span), chunk.Crc);
    }

    [Fact]
    public void DisposingThePoolFreesEveryChunkItCreatedRentedOrNot()
    {
        var pool = new TapeChunkPool(4096);
        var rented = pool.Rent();
        var returned = pool.Rent();
        pool.Return(returned);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => rented.Buffer.Length);
        Assert.Throws<ObjectDisposedException>(() => returned.Record.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent());
        pool.Dispose();
    }
}
