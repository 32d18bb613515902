namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>Every tape case, in the order a full run takes them (later cases relabel the cartridges earlier ones wrote).</summary>
public static class TapeCaseCatalog
{
    public static IReadOnlyList<ITapeCase> All { get; } =
    [
        new LabelCase(),
        new FileMarksCase(),
        new PositionCase(),
        new BlockSizesCase(),
        new OversizedRecordCase(),
        new FixedBlockModeCase(),
        new FillCase(),
        new RewindAndOfflineCase(),
        new ThroughputCase(),
        new MirroredSessionCase(),
        new SpanningCase(),
    ];
}
