using System.Collections.Concurrent;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// Page-aligned buffers of one size, reused so the write path does not allocate per block. The pool owns
/// every chunk it created, rented or free: disposing it (after every writer has finished) frees their
/// native memory.
/// </summary>
public sealed class TapeChunkPool(int bufferSize) : IDisposable
{
    private readonly ConcurrentBag<TapeChunk> _free = new();
    private readonly ConcurrentQueue<TapeChunk> _all = new();
    private int _disposed;

    /// <summary>The size of every buffer in the pool, in bytes.</summary>
    public int BufferSize => bufferSize;

    /// <summary>A free chunk, or a new one when none is free.</summary>
    public TapeChunk Rent()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_free.TryTake(out var chunk))
            return chunk;
        chunk = new TapeChunk(bufferSize);
        _all.Enqueue(chunk);
        return chunk;
    }

    /// <summary>Gives a chunk back for reuse.</summary>
    public void Return(TapeChunk chunk) => _free.Add(chunk);

    /// <summary>Frees the native memory of every chunk this pool created. No chunk may be in use any more.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        while (_all.TryDequeue(out var chunk))
            chunk.Free();
        _free.Clear();
    }
}
