using System.Text;
using CsCheck;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tests.Fuzzing;

/// <summary>
/// Inputs made from valid JSON documents by edits of their tree: a value replaced by one of another type or an
/// extreme one, a property removed, renamed or given twice, a value wrapped in an array. Half the inputs are
/// instead byte-level edits of the text (<see cref="ByteMutation"/>), which reach the parser itself.
/// </summary>
public static class JsonMutation
{
    public enum EditKind { Replace, Remove, Rename, Duplicate, WrapInArray }

    public readonly record struct Edit(EditKind Kind, uint Node, int Value);

    /// <summary>Values that break assumptions: other types, limits, names no rule allows.</summary>
    private static readonly JToken[] Hostile =
    [
        JValue.CreateNull(), new JValue(true), new JValue(""), new JValue(" "), new JValue(0), new JValue(-1),
        new JValue(int.MaxValue), new JValue(long.MaxValue), new JValue(long.MinValue), new JValue(1e308), new JValue(-1e-308),
        new JValue(0.5), new JValue("12x"), new JValue("-1"), new JValue("99999999999999999999"), new JValue("../../etc/passwd"),
        new JValue("a\nb"), new JValue("name\u0000"), new JValue(new string('x', 5000)), new JValue("2026-13-45T25:61:00"),
        new JValue("P-1D"), new JValue("*"), new JValue("\\\\.\\Tape0"), new JArray(), new JObject(), new JArray(new JArray()),
        new JObject(new JProperty("", JValue.CreateNull())),
    ];

    private static readonly Gen<Edit> AnyEdit = Gen.Select(Gen.Enum<EditKind>(), Gen.UInt, Gen.Int[0, Hostile.Length - 1],
        (kind, node, value) => new Edit(kind, node, value));

    public static Gen<string> From(IReadOnlyList<string> seeds)
    {
        var trees = Gen.Select(Gen.Int[0, seeds.Count - 1], AnyEdit.Array[1, 4], (seed, edits) => Apply(seeds[seed], edits));
        var bytes = ByteMutation.From(seeds.Select(Encoding.UTF8.GetBytes).ToArray()).Select(b => Encoding.UTF8.GetString(b));
        return Gen.OneOf(trees, bytes);
    }

    public static string Apply(string seed, IEnumerable<Edit> edits)
    {
        var root = JToken.Parse(seed);
        foreach (var edit in edits)
        {
            var nodes = (root is JContainer container ? container.DescendantsAndSelf() : [root]).Where(t => t is not JProperty).ToList();
            var node = nodes[(int)(edit.Node % (uint)nodes.Count)];
            var value = Hostile[edit.Value].DeepClone();
            if (node == root)
            {
                if (edit.Kind == EditKind.Replace)
                    root = value;
                continue;
            }
            switch (edit.Kind)
            {
                case EditKind.Replace:
                    node.Replace(value);
                    break;
                case EditKind.Remove when node.Parent is JProperty property:
                    property.Remove();
                    break;
                case EditKind.Remove when node.Parent is JArray:
                    node.Remove();
                    break;
                case EditKind.Rename when node.Parent is JProperty property:
                    property.Replace(new JProperty(property.Name.ToUpperInvariant() + "_", node.DeepClone()));
                    break;
                case EditKind.Duplicate when node.Parent is JProperty property && property.Parent is JObject:
                    // JSON text may repeat a name; the object model cannot, so the repeat is spliced into the text below.
                    return WithRepeatedProperty(root, property, value);
                case EditKind.Duplicate when node.Parent is JArray:
                    node.AddAfterSelf(node.DeepClone());
                    break;
                case EditKind.WrapInArray:
                    node.Replace(new JArray(node.DeepClone()));
                    break;
            }
        }
        return root.ToString(Formatting.Indented);
    }

    private static string WithRepeatedProperty(JToken root, JProperty property, JToken value)
    {
        const string marker = "\"__repeat_marker__\": 0";
        property.AddAfterSelf(new JProperty("__repeat_marker__", 0));
        var text = root.ToString(Formatting.Indented);
        return text.Replace(marker, $"{JsonConvert.ToString(property.Name)}: {value.ToString(Formatting.None)}");
    }
}
