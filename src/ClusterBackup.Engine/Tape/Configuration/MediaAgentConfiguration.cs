using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Library;
using Newtonsoft.Json;

namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>
/// The media-agent configuration (JSON): agents, their drives, and the buffers that form the backup
/// group and the daisy-chained mirror groups (docs/media-agent-configuration.md). A buffer with "objects" belongs to the
/// backup group; a buffer with "from" mirrors the named buffer one level down the chain, so chains are
/// chosen per object and can be as deep as wanted.
/// </summary>
public sealed class MediaAgentConfiguration
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; set; } = CurrentFormatVersion;
    /// <summary>The tape library directory; the caller may override it.</summary>
    public string? Library { get; set; }
    public List<AgentDefinition> Agents { get; set; } = [];
    /// <summary>The drives and their kinds; empty: the drives of the virtual library.</summary>
    public List<DriveDefinition> Drives { get; set; } = [];
    /// <summary>Drives are written only when named (Json.NET's ShouldSerialize convention).</summary>
    public bool ShouldSerializeDrives() => Drives.Count > 0;
    /// <summary>The medium changer of real drives; null: the virtual library.</summary>
    public ChangerDefinition? Changer { get; set; }

    public static MediaAgentConfiguration Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterBackupException(ErrorKind.ObjectNotFound, path, $"Cannot read the media-agent configuration '{path}': {ex.Message}", ex);
        }
        return Parse(text, path);
    }

    public static MediaAgentConfiguration Parse(string json, string source = "configuration")
    {
        try
        {
            var root = VersionedJson.Parse(json, source, "media-agent configuration", "formatVersion", CurrentFormatVersion, ErrorKind.InvalidConfiguration);
            var configuration = root.ToObject<MediaAgentConfiguration>(JsonSerializer.Create(new JsonSerializerSettings { MissingMemberHandling = MissingMemberHandling.Error }))!;
            configuration.Agents ??= [];
            configuration.Drives ??= [];
            configuration.RejectNulls(source);
            return configuration;
        }
        catch (JsonException ex)
        {
            throw new ClusterBackupException(ErrorKind.InvalidConfiguration, source, $"The media-agent configuration '{source}' is not valid JSON for this schema: {ex.Message}", ex);
        }
    }

    /// <summary>A JSON null where the schema wants a value would surface later as a crash far from the file; it is refused here, by field.</summary>
    private void RejectNulls(string source)
    {
        ClusterBackupException Null(string field) =>
            new(ErrorKind.InvalidConfiguration, source, $"The media-agent configuration '{source}': {field} is null; give it a value or leave it out.");
        for (var i = 0; i < Agents.Count; i++)
        {
            var agent = Agents[i] ?? throw Null($"agents[{i}]");
            if (agent.Name is null) throw Null($"agents[{i}].name");
            if (agent.Drive is null) throw Null($"agents[{i}].drive");
            if (agent.Pool is null) throw Null($"agents[{i}].pool");
            agent.Buffers ??= [];
            for (var j = 0; j < agent.Buffers.Count; j++)
            {
                var buffer = agent.Buffers[j] ?? throw Null($"agents[{i}].buffers[{j}]");
                if (buffer.Name is null) throw Null($"agents[{i}].buffers[{j}].name");
            }
        }
        for (var i = 0; i < Drives.Count; i++)
        {
            var drive = Drives[i] ?? throw Null($"drives[{i}]");
            if (drive.Name is null) throw Null($"drives[{i}].name");
            if (drive.Kind is null) throw Null($"drives[{i}].kind");
        }
        if (Changer is { Kind: null })
            throw Null("changer.kind");
        if (Changer is { Device: null })
            throw Null("changer.device");
    }

    public string ToJson() => JsonConvert.SerializeObject(this, new JsonSerializerSettings
    {
        Formatting = Formatting.Indented,
        NullValueHandling = NullValueHandling.Ignore,
        ContractResolver = new Newtonsoft.Json.Serialization.CamelCasePropertyNamesContractResolver(),
    });

    /// <summary>Every problem, each naming the agent or buffer at fault. <paramref name="drives"/> are the drives that exist.</summary>
    public IReadOnlyList<ConfigurationIssue> Validate(IEnumerable<string> drives) => MediaAgentConfigurationValidator.Validate(this, drives);

    /// <summary>The library's cartridges against the agents' block sizes (<see cref="MediaAgentConfigurationValidator.ValidateCartridges"/>).</summary>
    public IReadOnlyList<ConfigurationIssue> ValidateCartridges(IEnumerable<LibraryCartridge> cartridges) =>
        MediaAgentConfigurationValidator.ValidateCartridges(this, cartridges);

    /// <summary>Throws one error listing every issue, or returns when the configuration is valid.</summary>
    /// <param name="drives">The library's drives.</param>
    /// <param name="source">The configuration file, for the message.</param>
    /// <param name="cartridges">The library's cartridges, checked with <see cref="ValidateCartridges"/>; null to skip that check.</param>
    public void EnsureValid(IEnumerable<string> drives, string source, IEnumerable<LibraryCartridge>? cartridges = null)
    {
        var issues = Validate(drives).Concat(cartridges is null ? [] : ValidateCartridges(cartridges)).ToList();
        if (issues.Count > 0)
            throw new ClusterBackupException(ErrorKind.InvalidArgument, issues[0].Element,
                $"The media-agent configuration '{source}' is not valid: {string.Join(" ", issues.Select(i => i.Message))}");
    }

    /// <summary>The agent chain (backup agent first, then mirrors) of an object name, or null when no buffer takes it.</summary>
    public IReadOnlyList<AgentDefinition>? ChainFor(string objectName) => AssignChains([objectName])[0];

    /// <summary>
    /// The chain of each object: the first backup-group buffer whose pattern matches takes it; buffers with
    /// the very same pattern share their objects round robin, which spreads a job over several drives.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<AgentDefinition>?> AssignChains(IReadOnlyList<string> objectNames)
    {
        var heads = AllBuffers().Where(b => b.Buffer.Objects is not null).ToList();
        var turn = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var result = new List<IReadOnlyList<AgentDefinition>?>();
        foreach (var name in objectNames)
        {
            var first = heads.FirstOrDefault(b => Matches(b.Buffer.Objects!, name));
            if (first is null)
            {
                result.Add(null);
                continue;
            }
            var peers = heads.Where(b => string.Equals(b.Buffer.Objects, first.Buffer.Objects, StringComparison.OrdinalIgnoreCase)).ToList();
            var index = turn.GetValueOrDefault(first.Buffer.Objects!);
            turn[first.Buffer.Objects!] = index + 1;
            result.Add(ChainFrom(peers[index % peers.Count]));
        }
        return result;
    }

    private List<AgentDefinition> ChainFrom(BufferRef head)
    {
        var buffers = AllBuffers().GroupBy(b => b.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        var chain = new List<AgentDefinition> { head.Agent };
        var current = head;
        while (buffers.Values.FirstOrDefault(b => string.Equals(b.Buffer.From, current.Id, StringComparison.OrdinalIgnoreCase)) is { } next)
        {
            chain.Add(next.Agent);
            current = next;
            if (chain.Count > buffers.Count)
                break;
        }
        return chain;
    }

    /// <summary>The mirror level of each agent: 0 for the backup group, n for mirror group n.</summary>
    public int MirrorLevel(AgentDefinition agent)
    {
        var buffers = AllBuffers().GroupBy(b => b.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        return agent.Buffers.Select(b => Level(new BufferRef(agent, b), buffers)).DefaultIfEmpty(0).Max();
    }

    /// <summary>A default configuration: one backup agent per drive in <paramref name="backupDrives"/>, sharing all objects round robin, and mirror levels daisy-chained after each.</summary>
    public static MediaAgentConfiguration CreateDefault(IReadOnlyList<string> backupDrives, IReadOnlyList<IReadOnlyList<string>> mirrorDrives, string pool, IReadOnlyList<string> mirrorPools, int blockSize)
    {
        var configuration = new MediaAgentConfiguration();
        for (var i = 0; i < backupDrives.Count; i++)
        {
            configuration.Agents.Add(new AgentDefinition
            {
                Name = $"B{i + 1}", Drive = backupDrives[i], Pool = pool, BlockSize = blockSize,
                Buffers = [new BufferDefinition { Name = "all", Objects = "*" }],
            });
        }
        for (var level = 0; level < mirrorDrives.Count; level++)
            for (var i = 0; i < mirrorDrives[level].Count && i < backupDrives.Count; i++)
                configuration.Agents.Add(new AgentDefinition
                {
                    Name = $"M{level + 1}-{i + 1}", Drive = mirrorDrives[level][i], BlockSize = blockSize,
                    Pool = level < mirrorPools.Count ? mirrorPools[level] : $"{pool}-Mirror{level + 1}",
                    Buffers = [new BufferDefinition { Name = "all", From = level == 0 ? $"B{i + 1}.all" : $"M{level}-{i + 1}.all" }],
                });
        return configuration;
    }

    public static bool Matches(string pattern, string name) =>
        Regex.IsMatch(name, "^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    internal sealed record BufferRef(AgentDefinition Agent, BufferDefinition Buffer)
    {
        public string Id => $"{Agent.Name}.{Buffer.Name}";
    }

    internal IEnumerable<BufferRef> AllBuffers() => Agents.SelectMany(a => (a.Buffers ?? []).Select(b => new BufferRef(a, b)));

    internal static int Level(BufferRef buffer, Dictionary<string, BufferRef> buffers)
    {
        var level = 0;
        var current = buffer;
        while (current.Buffer.From is { } from && buffers.TryGetValue(from, out var up))
        {
            level++;
            current = up;
            if (level > buffers.Count)
                return -1; // a cycle, reported elsewhere
        }
        return level;
    }
}
