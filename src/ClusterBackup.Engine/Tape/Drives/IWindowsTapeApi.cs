namespace ClusterBackup.Engine.Tape.Drives;

/// <summary>The Windows tape API calls the Windows drive makes; a recording fake replaces them in tests. Each returns a Win32 error code (0 = success).</summary>
public interface IWindowsTapeApi
{
    /// <summary>CreateFile(\\.\TapeN, GENERIC_READ|GENERIC_WRITE, 0, null, OPEN_EXISTING, 0, null).</summary>
    int Open(string path, out nint handle);
    void Close(nint handle);
    int WriteFile(nint handle, ReadOnlySpan<byte> data, out int written);
    int ReadFile(nint handle, Span<byte> buffer, out int read);
    /// <summary>WriteTapemark(handle, TAPE_FILEMARKS, count, FALSE).</summary>
    int WriteTapemark(nint handle, int count);
    /// <summary>SetTapePosition(handle, method, 0, low, high, FALSE).</summary>
    int SetTapePosition(nint handle, int method, long offset);
    /// <summary>GetTapePosition(handle, TAPE_LOGICAL_POSITION, ...).</summary>
    int GetTapePosition(nint handle, out long logicalBlock);
    /// <summary>PrepareTape(handle, TAPE_LOAD or TAPE_UNLOAD, FALSE).</summary>
    int PrepareTape(nint handle, int operation);
    /// <summary>SetTapeParameters(handle, SET_TAPE_MEDIA_INFORMATION, {BlockSize = 0}): variable-block mode.</summary>
    int SetVariableBlockSize(nint handle);
    /// <summary>GetTapeParameters(handle, GET_TAPE_MEDIA_INFORMATION, ...): capacity and remaining bytes.</summary>
    int GetMediaParameters(nint handle, out long capacity, out long remaining, out bool writeProtected);
}
