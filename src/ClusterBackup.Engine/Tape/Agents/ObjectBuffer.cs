using System.Collections.Concurrent;
using ClusterBackup.Engine.Tape.Format;

namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// An object's buffer in one agent. Chunks posted here are written by the agent and then handed on to
/// <see cref="Next"/>, the buffer of the same object in the agent of the next mirror level: the daisy
/// chain of mirror copies, chosen per object and as deep as configured.
/// </summary>
public sealed class ObjectBuffer
{
    private readonly ConcurrentQueue<TapeChunk> _queue = new();

    internal ObjectBuffer(BackupMediaAgent agent, SessionObject target, ObjectBuffer? next)
    {
        Agent = agent;
        Object = target;
        Next = next;
    }

    public BackupMediaAgent Agent { get; }
    public SessionObject Object { get; }
    public ObjectBuffer? Next { get; }
    /// <summary>How many buffers from here to the end of the chain, this one included.</summary>
    public int ChainLength => 1 + (Next?.ChainLength ?? 0);
    internal bool Ended { get; set; }

    public void Post(TapeChunk chunk)
    {
        _queue.Enqueue(chunk);
        Agent.Signal();
    }

    internal bool TryTake(out TapeChunk chunk) => _queue.TryDequeue(out chunk!);

    internal bool PeekAny() => !_queue.IsEmpty;
}
