using System.Management.Automation;

namespace ClusterBackup.PowerShell;

/// <summary>
/// Resolves a path parameter the PowerShell way when it is bound: relative to the current PowerShell location
/// (not the process's working directory), with PSDrives, provider-qualified paths and <c>~</c>, through
/// <c>SessionState.Path.GetUnresolvedProviderPathFromPSPath</c>. The file need not exist. A path of another
/// provider than the file system (Env:, HKLM:, ...) is a bad parameter, named in the error.
/// Every parameter that names a file or folder on this machine carries it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class FileSystemPathAttribute : ArgumentTransformationAttribute
{
    /// <summary>Resolves a string, or each string of an array; anything else is left for the binder.</summary>
    /// <param name="engineIntrinsics">The session whose current location relative paths are resolved against.</param>
    /// <param name="inputData">The bound value.</param>
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            string path => Resolve(engineIntrinsics.SessionState, path),
            string[] paths => paths.Select(p => Resolve(engineIntrinsics.SessionState, p)).ToArray(),
            object[] items when items.All(i => (i is PSObject p ? p.BaseObject : i) is string) =>
                items.Select(i => Resolve(engineIntrinsics.SessionState, (string)(i is PSObject p ? p.BaseObject : i))).ToArray(),
            _ => inputData,
        };
    }

    /// <summary>The file-system path of <paramref name="path"/> in <paramref name="sessionState"/>; empty stays empty.</summary>
    /// <param name="sessionState">The session whose current location relative paths are resolved against.</param>
    /// <param name="path">A PowerShell path: relative, absolute, on a PSDrive, provider-qualified or starting with ~.</param>
    public static string Resolve(SessionState sessionState, string path)
    {
        if (string.IsNullOrEmpty(path))
            return path;
        string resolved;
        ProviderInfo provider;
        try
        {
            resolved = sessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        catch (Exception ex) when (ex is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or NotSupportedException or PSArgumentException)
        {
            throw new ArgumentTransformationMetadataException($"Cannot resolve the path '{path}': {ex.Message}", ex);
        }
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentTransformationMetadataException(
                $"The path '{path}' is on the {provider.Name} provider; ClusterBackup needs a file-system path. Set-Location to a file-system drive or pass an absolute path.");
        return resolved;
    }
}
