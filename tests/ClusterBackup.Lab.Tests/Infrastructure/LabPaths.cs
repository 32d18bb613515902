namespace ClusterBackup.Lab.Tests.Infrastructure;

/// <summary>Where the lab finds the image recipe and the built product, and where it keeps the guest's log (out/lab/).</summary>
public static class LabPaths
{
    /// <summary>The source tree: the first folder above the test assembly holding ClusterBackup.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built in (Release, Debug), from the test assembly's folder.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;

    public static string ImageRecipe => Path.Combine(Root, "tests", "lab", "image", "build-image.sh");

    /// <summary>The CLI's build output, shared read-only into the guest as /opt/clusterbackup.</summary>
    public static string Product => Path.Combine(Root, "src", "ClusterBackup.Cli", "bin", Configuration, "net8.0");

    /// <summary>The tape harness's build output, shared read-only into the guest as /opt/lab-harness.</summary>
    public static string Harness => Path.Combine(Root, "tests", "lab", "ClusterBackup.Lab.Harness", "bin", Configuration, "net10.0");

    /// <summary>The last run's console, journal and command transcript.</summary>
    public static string Logs => Path.Combine(Root, "out", "lab", "guest");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ClusterBackup.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No ClusterBackup.sln above {AppContext.BaseDirectory}.");
    }
}
