using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace ClusterBackup.PowerShell.Loader;

/// <summary>
/// Runs when the module is imported. The cmdlet assembly is a thin layer in PowerShell's default
/// AssemblyLoadContext; the only assembly it references beyond the framework and PowerShell is
/// ClusterBackup.Engine, which lives in the module's <c>dependencies</c> folder where the default
/// context cannot find it. When the default context asks for it, this answers with the engine
/// loaded in <see cref="EngineLoadContext"/>, and everything the engine needs then loads there.
/// </summary>
/// <remarks>
/// This is PowerShell's documented pattern for modules whose dependencies may conflict with other
/// modules' ("Resolving PowerShell module assembly dependency conflicts": a Resolving handler on
/// the default context for the engine assembly alone, and an AssemblyLoadContext of the module's
/// own). The handler answers for no other name, so it never hands the module's libraries to
/// anybody else.
/// </remarks>
public sealed class ModuleInitializer : IModuleAssemblyInitializer
{
    private static readonly object Gate = new();
    private static EngineLoadContext? _context;
    private static bool _subscribed;

    /// <summary>The engine's load context, created on first import.</summary>
    internal static EngineLoadContext Context
    {
        get
        {
            lock (Gate)
            {
                return _context ??= new EngineLoadContext(
                    Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, EngineLoadContext.DependenciesFolder));
            }
        }
    }

    public void OnImport()
    {
        lock (Gate)
        {
            // Import-Module -Force imports the same assembly again, and Remove-Module leaves it (and the
            // engine bound to it) loaded, because the default context never unloads: subscribe once.
            if (_subscribed)
                return;
            AssemblyLoadContext.Default.Resolving += ResolveEngine;
            _subscribed = true;
        }
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        string.Equals(name.Name, EngineLoadContext.EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
            ? Context.LoadEngine()
            : null;
}
