using System.Text.Json;
using ClusterBackup.Lab.Tests.Infrastructure;

namespace ClusterBackup.Lab.Tests.Tape;

/// <summary>
/// The engine's Linux st provider against the kernel's real st driver, on tgt's emulated SCSI tape drives over
/// iSCSI in the guest. Where the emulation differs from a real drive the test says so in its assertion message
/// and README "Lab tier" lists what that leaves unverified.
/// </summary>
[Collection(LabCollection.Name)]
public sealed class LinuxStTapeDriveTests(LabFixture lab)
{
    private async Task<JsonElement> Case(string name) => (await TapeRun.GetAsync(lab)).Observations(name);

    [LabFact]
    public async Task A_label_written_to_a_cartridge_reads_back_with_its_volume_id()
    {
        var o = await Case("label");
        Assert.Equal("LAB001", o.Text("barcode"));
        Assert.True(o.Flag("volumeIdMatches"));
        Assert.Equal(256 * 1024, o.Int("blockSize"));
        // What follows the label's file mark is not asserted: tgt's emulation can show a block there where a real
        // drive reports end of data (it keeps data past a file mark written over it).
    }

    [LabFact]
    public async Task File_marks_separate_files_and_spacing_over_marks_and_blocks_lands_on_the_right_record()
    {
        var o = await Case("filemarks-and-spacing");
        Assert.Equal(o.Text("expectedSequence"), o.Text("sequence"));
        Assert.True(o.Flag("recordsIdentical"));
        Assert.Equal("2/0", o.Text("afterSpaceFileMarks2"));
        Assert.Equal("1/1", o.Text("afterSpaceFileMarks1Blocks1"));
        Assert.Equal(1, o.Int("statusInFile1"));
        Assert.Equal("3/0", o.Text("appendedAfterEndOfData"));
    }

    [LabFact]
    public async Task Read_position_is_not_answered_by_the_emulated_drive()
    {
        var o = await Case("position");
        Assert.Equal("file 1 block 0 EOF ONLINE", o.Text("mtGet"));
        // Emulation difference: tgt's tape answers READ POSITION (MTIOCPOS) with an error, so Position and
        // GetStatus, which a real drive answers, fail here; they stay unverified.
        Assert.Contains("MTIOCPOS failed with errno 5", o.Text("positionError"));
    }

    [LabFact]
    public async Task Blocks_of_every_format_size_the_drive_takes_read_back_byte_identical_and_larger_ones_are_refused_by_name()
    {
        var o = await Case("block-sizes");
        Assert.Equal([65536, 262144, 1048576], o.GetProperty("writtenSizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.All(o.GetProperty("identical").EnumerateObject(), p => Assert.True(p.Value.GetBoolean(), $"{p.Name}-byte blocks differ"));
        // The emulated drive's block limit is 1 MiB (READ BLOCK LIMITS); the format allows 4 MiB.
        Assert.Contains("refuses 4194304-byte blocks", o.Text("writeError4194304"));
    }

    [LabFact]
    public async Task A_record_larger_than_the_read_buffer_is_an_error_naming_the_buffer_and_the_next_read_gets_the_next_block()
    {
        var o = await Case("record-larger-than-buffer");
        Assert.Contains("larger than the 65536-byte read buffer", o.Text("smallBufferError"));
        Assert.Equal("the block after it", o.Text("nextRead"));
        Assert.True(o.Flag("largeBufferIdentical"));
    }

    [LabFact]
    public async Task The_drive_also_works_in_fixed_block_mode()
    {
        var o = await Case("fixed-block-mode");
        Assert.Equal("65536", o.Text("write64KiB"));
        Assert.StartsWith("errno 22", o.Text("write1000Bytes"));
        Assert.True(o.Flag("identical"));
        Assert.True(o.Flag("firstBlockIdentical"));
    }

    [LabFact]
    public async Task A_tape_that_fills_reports_early_warning_and_every_block_reported_written_is_on_the_tape()
    {
        var o = await Case("fill");
        Assert.Equal(o.Int("capacityBlocks"), o.Int("earlyWarningAtBlock"));
        Assert.Equal(o.Int("blocksReportedWritten"), o.Int("blocksReadBack"));
        Assert.True(o.Flag("readBackInOrder"), "a block the provider reported written is missing or out of order");
        Assert.Equal("FileMark", o.Text("afterLastBlock"));
        Assert.Equal("written", o.Text("fileMarkAfterEnd"));
    }

    [LabFact]
    public async Task Rewind_reaches_the_beginning_and_offline_then_load_brings_the_same_cartridge_back()
    {
        var o = await Case("rewind-and-offline");
        Assert.Contains("BOT", o.Text("statusAfterRewind"));
        Assert.True(o.Flag("unloaded"));
        Assert.True(o.Flag("labelAfterLoadingAgain"));
    }

    [LabFact]
    public async Task The_lab_tape_throughput_is_measured_on_data_read_back_identical()
    {
        var o = await Case("throughput");
        Assert.Equal(o.Int("blocks"), o.Int("identicalBlocks"));
        await File.WriteAllTextAsync(Path.Combine(LabPaths.Logs, "tape-throughput.txt"),
            $"{o.Text("megabytes")} MB: write {o.Text("writeMBps")} MB/s, read {o.Text("readMBps")} MB/s\n");
    }

    [LabFact]
    public async Task A_multiplexed_session_with_a_mirror_on_a_second_drive_restores_byte_identical_from_both()
    {
        var o = await Case("multiplexed-mirrored-session");
        Assert.Equal(JsonValueKind.Null, o.GetProperty("writeError").ValueKind);
        Assert.Equal(3, o.Int("objectsWritten"));
        Assert.True(o.Flag("interleaved"), "the objects' records should interleave on the tape");
        Assert.Equal(3, o.Int("restoredFromPrimary"));
        Assert.Equal(3, o.Int("restoredFromMirror"));
        Assert.Equal(o.Int("blocksPrimary"), o.Int("blocksMirror"));
    }

    [LabFact]
    public async Task An_object_that_fills_a_cartridge_spans_to_the_next_one_and_restores_byte_identical()
    {
        var o = await Case("spanning");
        Assert.Equal(JsonValueKind.Null, o.GetProperty("writeError").ValueKind);
        Assert.Equal(2, o.Int("streamVolumes"));
        Assert.Contains(", full", o.GetProperty("volumes")[0].GetString());
        Assert.Contains("LAB004 reached early warning", o.GetProperty("messages")[0].GetString());
        Assert.True(o.Flag("restoredComplete"));
        Assert.True(o.Flag("restoredIdentical"));
        Assert.Equal("0..1", o.Text("restoredVolumes"));
    }
}
