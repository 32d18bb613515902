using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ClusterBackup.PowerShell.Tests;

/// <summary>
/// Writes the module's MAML help (module/en-US/ClusterBackup.PowerShell.dll-Help.xml) from the cmdlets'
/// attributes and XML doc comments, so Get-Help has synopsis, description, syntax, parameters, outputs and
/// examples for compiled cmdlets. The help file is committed; a test fails when it is out of date, and
/// running the tests with CLUSTERBACKUP_UPDATE_HELP=1 (./build.sh help) rewrites it.
/// </summary>
public static class MamlHelpWriter
{
    private static readonly XNamespace Msh = "http://msh";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static XDocument Write(CmdletAssembly assembly) => new(
        new XDeclaration("1.0", "utf-8", null),
        new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
            assembly.Cmdlets.Select(c => CommandElement(assembly, c))));

    private static XElement CommandElement(CmdletAssembly assembly, CmdletInfo cmdlet)
    {
        var doc = assembly.DocFor("T:" + cmdlet.Type.FullName);
        var parameters = cmdlet.Parameters.Select(p => new ParameterHelp(p, Summary(assembly.DocFor($"P:{p.DeclaringType!.FullName}.{p.Name}")))).ToList();
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml), new XAttribute(XNamespace.Xmlns + "command", Command), new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                new XElement(Maml + "description", Paras(Para(doc, "synopsis")))),
            new XElement(Maml + "description", Paras(Para(doc, "description"))),
            new XElement(Command + "syntax", SyntaxItems(cmdlet, parameters)),
            new XElement(Command + "parameters", parameters.Select(p => p.Element())),
            new XElement(Command + "returnValues", OutputTypes(cmdlet).Select(t =>
                new XElement(Command + "returnValue", new XElement(Dev + "type", new XElement(Maml + "name", t))))),
            new XElement(Command + "examples", Examples(doc)));
    }

    private static IEnumerable<XElement> SyntaxItems(CmdletInfo cmdlet, List<ParameterHelp> parameters)
    {
        var sets = parameters.SelectMany(p => p.Sets).Where(s => s != AllSets).Distinct().Order(StringComparer.Ordinal).ToList();
        if (sets.Count == 0)
            sets.Add(AllSets);
        foreach (var set in sets)
            yield return new XElement(Command + "syntaxItem",
                new XElement(Maml + "name", cmdlet.Name),
                parameters.Where(p => p.Sets.Contains(set) || p.Sets.Contains(AllSets))
                    .OrderBy(p => p.Position(set) ?? int.MaxValue).ThenBy(p => p.Name, StringComparer.Ordinal)
                    .Select(p => p.SyntaxElement(set)));
    }

    private const string AllSets = "__AllParameterSets";

    private static IEnumerable<string> OutputTypes(CmdletInfo cmdlet) =>
        cmdlet.Type.CustomAttributes.Where(a => a.AttributeType.Name == "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments).SelectMany(Flatten).Select(t => t.FullName!);

    private static IEnumerable<Type> Flatten(CustomAttributeTypedArgument argument) => argument.Value switch
    {
        Type t => [t],
        IEnumerable<CustomAttributeTypedArgument> many => many.SelectMany(Flatten),
        _ => [],
    };

    private static IEnumerable<XElement> Examples(XElement? doc) =>
        (doc?.Descendants("example") ?? []).Select((example, i) => new XElement(Command + "example",
            new XElement(Maml + "title", $"-------------------------- Example {i + 1} --------------------------"),
            new XElement(Dev + "code", Normalize(example.Element("code")?.Value)),
            new XElement(Dev + "remarks", Paras(string.Join("\n", example.Elements("para").Select(p => p.Value))))));

    private static string? Para(XElement? doc, string type) =>
        doc?.Descendants("para").FirstOrDefault(p => (string?)p.Attribute("type") == type)?.Value;

    private static string? Summary(XElement? doc) => doc?.Element("summary")?.Value;

    private static IEnumerable<XElement> Paras(string? text) =>
        Regex.Split(Normalize(text), @"\n\s*\n").Where(p => p.Length > 0).Select(p => new XElement(Maml + "para", Regex.Replace(p, @"\s+", " ")));

    private static string Normalize(string? text) =>
        string.Join("\n", (text ?? "").Replace("\r", "").Split('\n').Select(l => l.Trim())).Trim();

    private sealed class ParameterHelp(PropertyInfo property, string? summary)
    {
        private IReadOnlyList<CustomAttributeData> Attributes => property.CustomAttributes.Where(a => a.AttributeType.Name == "ParameterAttribute").ToList();

        public string Name => property.Name;

        public IEnumerable<string> Sets => Attributes.Select(a => Named(a, "ParameterSetName") as string ?? AllSets);

        private CustomAttributeData For(string set) => Attributes.FirstOrDefault(a => (Named(a, "ParameterSetName") as string ?? AllSets) == set) ?? Attributes.First();

        public int? Position(string set) => Named(For(set), "Position") is int p and >= 0 ? p : null;

        private bool Mandatory(string set) => Named(For(set), "Mandatory") is true;

        private bool IsSwitch => property.PropertyType.Name == "SwitchParameter";

        private string TypeName => property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition().FullName == "System.Nullable`1"
            ? property.PropertyType.GetGenericArguments()[0].Name
            : property.PropertyType.Name;

        private string Pipeline(string set)
        {
            var attribute = For(set);
            var byValue = Named(attribute, "ValueFromPipeline") is true;
            var byName = Named(attribute, "ValueFromPipelineByPropertyName") is true;
            return (byValue, byName) switch
            {
                (true, true) => "True (ByValue, ByPropertyName)",
                (true, false) => "True (ByValue)",
                (false, true) => "True (ByPropertyName)",
                _ => "False",
            };
        }

        private string Aliases => string.Join(", ", property.CustomAttributes.Where(a => a.AttributeType.Name == "AliasAttribute")
            .SelectMany(a => a.ConstructorArguments).SelectMany(a => a.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => (string)m.Value!) : [(string)a.Value!]));

        public XElement SyntaxElement(string set) => new(Command + "parameter",
            new XAttribute("required", Mandatory(set) ? "true" : "false"),
            new XAttribute("position", Position(set)?.ToString() ?? "named"),
            new XAttribute("pipelineInput", Pipeline(set)),
            new XElement(Maml + "name", Name),
            IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), TypeName));

        public XElement Element()
        {
            var set = Sets.First();
            return new XElement(Command + "parameter",
                new XAttribute("required", Mandatory(set) ? "true" : "false"),
                new XAttribute("globbing", "false"),
                new XAttribute("pipelineInput", Pipeline(set)),
                new XAttribute("position", Position(set)?.ToString() ?? "named"),
                new XAttribute("aliases", Aliases.Length == 0 ? "none" : Aliases),
                new XElement(Maml + "name", Name),
                new XElement(Maml + "description", Paras(summary)),
                IsSwitch ? null : new XElement(Command + "parameterValue", new XAttribute("required", "true"), TypeName),
                new XElement(Dev + "type", new XElement(Maml + "name", property.PropertyType.FullName)),
                new XElement(Dev + "defaultValue", DefaultValue));
        }

        /// <summary>What [PSDefaultValue] says (its Help, else its Value); "None" without one.</summary>
        private string DefaultValue
        {
            get
            {
                var attribute = property.CustomAttributes.FirstOrDefault(a => a.AttributeType.Name == "PSDefaultValueAttribute");
                if (attribute is null)
                    return "None";
                if (Named(attribute, "Help") is string help && help.Length > 0)
                    return help;
                var value = attribute.NamedArguments.FirstOrDefault(a => a.MemberName == "Value").TypedValue;
                if (value.Value is null)
                    return "None";
                // An enum constant arrives as its number, typed with the enum: name it.
                if (value.ArgumentType.IsEnum)
                    return value.ArgumentType.GetFields().FirstOrDefault(f => f.IsLiteral && Equals(f.GetRawConstantValue(), value.Value))?.Name ?? value.Value.ToString()!;
                return Convert.ToString(value.Value, System.Globalization.CultureInfo.InvariantCulture)!;
            }
        }

        private static object? Named(CustomAttributeData attribute, string name) =>
            attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name).TypedValue.Value;
    }
}
