using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace ClusterBackup.PowerShell.Loader;

/// <summary>
/// The module's own AssemblyLoadContext: ClusterBackup.Engine and every library it uses (SQLite,
/// Npgsql, Microsoft.Data.SqlClient, Newtonsoft.Json, ...) load here from the module's
/// <c>dependencies</c> folder, so another module in the same session may carry other versions of
/// the same libraries and neither sees the other's.
/// </summary>
/// <remarks>
/// What to load comes from the engine's own <c>ClusterBackup.Engine.deps.json</c> through
/// <see cref="AssemblyDependencyResolver"/>, the same resolution the .NET host does for an
/// application: the managed assets for the current platform (Microsoft.Data.SqlClient's
/// <c>runtimes/unix</c> or <c>runtimes/win</c> build, never its reference stub) and native libraries
/// such as e_sqlite3 from <c>runtimes/&lt;rid&gt;/native</c> for the running runtime identifier, on
/// Linux, Windows and macOS alike. PowerShell itself reads no module's deps.json, which is why
/// the module resolves them here. Assemblies of the shared framework always come from the
/// framework (the default context), so framework types stay the same types on both sides.
/// </remarks>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    /// <summary>The folder, beside the cmdlet assembly, that holds the engine and its dependencies.</summary>
    public const string DependenciesFolder = "dependencies";

    public const string EngineAssemblyName = "ClusterBackup.Engine";

    private static readonly HashSet<string> FrameworkAssemblies = new(
        Directory.EnumerateFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll").Select(Path.GetFileNameWithoutExtension)!,
        StringComparer.OrdinalIgnoreCase);

    private readonly AssemblyDependencyResolver _resolver;

    public EngineLoadContext(string dependenciesDirectory)
        : base("ClusterBackup", isCollectible: false)
    {
        DependenciesDirectory = dependenciesDirectory;
        EnginePath = Path.Combine(dependenciesDirectory, EngineAssemblyName + ".dll");
        if (!File.Exists(EnginePath))
            throw new FileNotFoundException(
                $"The ClusterBackup module is incomplete: {EnginePath} is missing. Reinstall the module as it is published (its '{DependenciesFolder}' folder included).",
                EnginePath);
        _resolver = new AssemblyDependencyResolver(EnginePath);
    }

    public string DependenciesDirectory { get; }

    public string EnginePath { get; }

    public Assembly LoadEngine() => LoadFromAssemblyPath(EnginePath);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && FrameworkAssemblies.Contains(name))
            return null;
        return _resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
