using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Tape.Format;

/// <summary>A tape that does not follow docs/tape-format.md: names the volume and the block.</summary>
public sealed class TapeFormatException : ClusterBackupException
{
    public TapeFormatException(string barcode, long block, string message)
        : base(ErrorKind.InvalidData, $"{barcode} block {block}", message)
    {
        Barcode = barcode;
        Block = block;
    }

    public string Barcode { get; }
    public long Block { get; }

    public static TapeFormatException At(string barcode, long block, string cause) =>
        new(barcode, block, $"Tape {barcode}, block {block}: {cause}.");
}
