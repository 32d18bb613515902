namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>
/// Joins the pieces of one tape block (header, payload) into one contiguous, pinned buffer, because a real
/// tape device writes exactly one block per write call. The buffer is reused and grows only when a larger
/// block arrives.
/// </summary>
internal sealed class BlockGatherBuffer
{
    private byte[] _buffer = [];

    public ReadOnlySpan<byte> Gather(IReadOnlyList<ReadOnlyMemory<byte>> segments)
    {
        var length = 0;
        foreach (var segment in segments)
            length += segment.Length;
        if (_buffer.Length < length)
            _buffer = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        var offset = 0;
        foreach (var segment in segments)
        {
            segment.Span.CopyTo(_buffer.AsSpan(offset));
            offset += segment.Length;
        }
        return _buffer.AsSpan(0, length);
    }
}
