namespace ClusterBackup.Lab.Harness.TapeCases;

/// <summary>
/// One behaviour of a tape provider checked against a real drive: it records what it saw as observations, and the
/// lab test on the build machine asserts on them. A case that needs more drives or another provider is one more
/// class in this folder and one more line in <see cref="TapeCaseCatalog"/>.
/// </summary>
public interface ITapeCase
{
    /// <summary>The name the lab tests ask for (kebab-case).</summary>
    string Name { get; }

    /// <summary>The drive roles the case uses (see <see cref="TapeLab"/>); the harness refuses to run it without them.</summary>
    IReadOnlyList<string> Drives { get; }

    void Run(TapeLab lab, TapeCaseResult result);
}
