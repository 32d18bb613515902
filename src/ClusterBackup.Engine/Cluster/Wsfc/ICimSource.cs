namespace ClusterBackup.Engine.Cluster.Wsfc;

/// <summary>One CIM instance as a property bag: property name (case-insensitive) to value. Embedded objects
/// (e.g. MSCluster_Resource.PrivateProperties) are nested bags; arrays are lists.</summary>
public sealed class CimInstanceData(string className, IReadOnlyDictionary<string, object?> properties)
{
    private readonly Dictionary<string, object?> _properties = new(properties, StringComparer.OrdinalIgnoreCase);

    public string ClassName { get; } = className;

    public object? this[string property] => _properties.GetValueOrDefault(property);

    public bool Has(string property) => _properties.ContainsKey(property);

    public string? String(string property) => this[property]?.ToString();

    public long? Int64(string property) => this[property] switch
    {
        null => null,
        var v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    public CimInstanceData? Embedded(string property) => this[property] switch
    {
        CimInstanceData data => data,
        IReadOnlyDictionary<string, object?> bag => new CimInstanceData(property, bag),
        _ => null,
    };
}

/// <summary>
/// Where the WSFC provider reads root/MSCluster from: a CimSession on Windows (<see cref="CimSessionSource"/>), or
/// recorded instances in tests. Kept this small so the mapping from CIM classes to
/// ClusterBackup's model is tested without a cluster.
/// </summary>
public interface ICimSource
{
    /// <summary>All instances of <paramref name="className"/> in root\MSCluster, with the listed properties.</summary>
    Task<IReadOnlyList<CimInstanceData>> GetInstancesAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken);
}
