using ClusterBackup.Engine.Cluster.Wsfc;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Cluster.Wsfc;

/// <summary>Recorded root\MSCluster instances (TestData/*.json, format described in TestData/README.md), and the queries made.</summary>
public sealed class RecordedCimSource : ICimSource
{
    private readonly JObject _classes;

    public RecordedCimSource(string file)
    {
        var document = JObject.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cluster", "Wsfc", "TestData", file)));
        if (document.Value<int?>("formatVersion") != 1)
            throw new InvalidDataException($"{file}: formatVersion must be 1.");
        _classes = (JObject)document["classes"]!;
    }

    public List<(string Class, IReadOnlyList<string> Properties)> Queries { get; } = [];

    public Task<IReadOnlyList<CimInstanceData>> GetInstancesAsync(string className, IReadOnlyList<string> properties, CancellationToken cancellationToken)
    {
        Queries.Add((className, properties));
        var instances = (_classes[className] as JArray ?? []).Cast<JObject>().Select(o => ToData(className, o)).ToList();
        return Task.FromResult<IReadOnlyList<CimInstanceData>>(instances);
    }

    private static CimInstanceData ToData(string className, JObject o) =>
        new(className, o.Properties().ToDictionary(p => p.Name, p => p.Value switch
        {
            JObject embedded => (object?)ToData(p.Name, embedded),
            JValue value => value.Value,
            _ => p.Value.ToString(),
        }));
}
