using System.Runtime.CompilerServices;

namespace ClusterBackup.Engine.Tests;

/// <summary>
/// The tests run the same on a developer's machine as in CI: the product's own variables (a catalog, a
/// configuration, an armed crash point) are removed from this process before any test runs. Only the
/// CLUSTERBACKUP_TEST_* variables, which opt a test run into an external server, are kept.
/// </summary>
internal static class AmbientEnvironment
{
    private const string ProductPrefix = "CLUSTERBACKUP_";
    private const string OptInPrefix = "CLUSTERBACKUP_TEST_";

    [ModuleInitializer]
    internal static void RemoveTheProductsVariables()
    {
        foreach (var name in ProductVariables())
            Environment.SetEnvironmentVariable(name, null);
    }

    /// <summary>The product's variables set in this process, the opt-in ones excepted.</summary>
    internal static IEnumerable<string> ProductVariables() =>
        Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(n => n.StartsWith(ProductPrefix, StringComparison.Ordinal) && !n.StartsWith(OptInPrefix, StringComparison.Ordinal))
            .ToList();
}
