using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace ClusterBackup.PowerShell.Tests;

/// <summary>
/// The compiled cmdlet assembly, loaded for inspection only: System.Management.Automation here is a
/// reference assembly (PowerShellStandard.Library), so the types can be read but not run.
/// </summary>
public sealed class CmdletAssembly : IDisposable
{
    private readonly MetadataLoadContext _context;

    public CmdletAssembly()
    {
        var metadata = typeof(CmdletAssembly).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value!);
        RepositoryRoot = Path.GetFullPath(metadata["RepositoryRoot"]);
        var configuration = metadata["Configuration"];
        var outputDirectory = Path.Combine(RepositoryRoot, "src", "ClusterBackup.PowerShell", "bin", configuration, "net8.0");
        AssemblyPath = Path.Combine(outputDirectory, "ClusterBackup.PowerShell.dll");
        if (!File.Exists(AssemblyPath))
            throw new FileNotFoundException($"Build ClusterBackup.PowerShell ({configuration}) first: {AssemblyPath} is missing.");
        var smaPath = metadata["SmaReferencePath"];
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Where(p => !Path.GetFileName(p).Equals("System.Management.Automation.dll", StringComparison.OrdinalIgnoreCase))
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Concat(Directory.GetFiles(outputDirectory, "*.dll"))
            .Append(smaPath)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.Last());
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths));
        Assembly = _context.LoadFromAssemblyPath(AssemblyPath);
        Sma = _context.LoadFromAssemblyPath(smaPath);
        Documentation = XDocument.Load(Path.ChangeExtension(AssemblyPath, ".xml"));
    }

    public string RepositoryRoot { get; }
    public string AssemblyPath { get; }
    public Assembly Assembly { get; }
    public Assembly Sma { get; }
    public XDocument Documentation { get; }

    public IReadOnlyList<CmdletInfo> Cmdlets => Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute"))
        .Select(t => new CmdletInfo(t))
        .OrderBy(c => c.Name)
        .ToList();

    /// <summary>Every approved verb, read from the Verbs* classes of System.Management.Automation.</summary>
    public IReadOnlySet<string> ApprovedVerbs => new[] { "VerbsCommon", "VerbsCommunications", "VerbsData", "VerbsDiagnostic", "VerbsLifecycle", "VerbsOther", "VerbsSecurity" }
        .SelectMany(n => Sma.GetType($"System.Management.Automation.{n}", throwOnError: true)!.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.Ordinal);

    public XElement? DocFor(string memberId) =>
        Documentation.Descendants("member").FirstOrDefault(m => (string?)m.Attribute("name") == memberId);

    public void Dispose() => _context.Dispose();
}

/// <summary>What the [Cmdlet], [OutputType] and [Parameter] attributes of one cmdlet class say.</summary>
public sealed class CmdletInfo(Type type)
{
    public Type Type { get; } = type;
    private CustomAttributeData CmdletAttribute => Type.CustomAttributes.Single(a => a.AttributeType.Name == "CmdletAttribute");
    public string Verb => (string)CmdletAttribute.ConstructorArguments[0].Value!;
    public string Noun => (string)CmdletAttribute.ConstructorArguments[1].Value!;
    public string Name => $"{Verb}-{Noun}";
    public object? Named(string name) => CmdletAttribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;
    public bool SupportsShouldProcess => Named("SupportsShouldProcess") is true;
    /// <summary>ConfirmImpact as its enum number: 0 None, 1 Low, 2 Medium (the default), 3 High.</summary>
    public int ConfirmImpact => Named("ConfirmImpact") is int impact ? impact : 2;
    public bool HasOutputType => Type.CustomAttributes.Any(a => a.AttributeType.Name == "OutputTypeAttribute");
    public IEnumerable<PropertyInfo> Parameters => Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CustomAttributes.Any(a => a.AttributeType.Name == "ParameterAttribute"));
    public override string ToString() => Name;
}
