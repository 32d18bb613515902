using System.Text.RegularExpressions;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>A buffer of a media agent: fed by objects whose name matches <see cref="Objects"/> (backup group) or by the buffer named in <see cref="From"/> (a mirror: "Agent.Buffer").</summary>
public sealed class BufferDefinition
{
    public string Name { get; set; } = "";
    /// <summary>Backup group: a name pattern with * and ?, matched against the object name ("SQLVS1/SALES/*").</summary>
    public string? Objects { get; set; }
    /// <summary>Mirror group: the upstream buffer, "Agent.Buffer".</summary>
    public string? From { get; set; }
}

/// <summary>A backup media agent: one drive, a pool, a block size and its buffers.</summary>
public sealed class AgentDefinition
{
    public string Name { get; set; } = "";
    public string Drive { get; set; } = "";
    public string Pool { get; set; } = "Default";
    public int BlockSize { get; set; } = TapeFormat.DefaultBlockSize;
    public List<BufferDefinition> Buffers { get; set; } = [];
}

/// <summary>One problem found by validation, with the element at fault.</summary>
public sealed record ConfigurationIssue(string Element, string Message);

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
    public IReadOnlyList<ConfigurationIssue> Validate(IEnumerable<string> drives)
    {
        var issues = TapeLibraryFactory.Validate(this).ToList();
        var known = (Changer is not null ? Drives.Select(d => d.Name) : drives).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (Agents.Count == 0)
            issues.Add(new("agents", "The configuration defines no agent."));
        foreach (var group in Agents.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new(group.Key, $"Agent name '{group.Key}' is used {group.Count()} times."));
        foreach (var agent in Agents)
        {
            if (string.IsNullOrWhiteSpace(agent.Name))
                issues.Add(new("agents", "An agent has no name."));
            if (string.IsNullOrWhiteSpace(agent.Drive))
                issues.Add(new(agent.Name, $"Agent {agent.Name} names no drive."));
            else if (!known.Contains(agent.Drive))
                issues.Add(new(agent.Name, $"Agent {agent.Name} uses drive '{agent.Drive}', which is unknown (drives: {string.Join(", ", known.Order())})."));
            if (string.IsNullOrWhiteSpace(agent.Pool))
                issues.Add(new(agent.Name, $"Agent {agent.Name} names no pool."));
            if (agent.BlockSize < TapeFormat.MinBlockSize || agent.BlockSize > TapeFormat.MaxBlockSize || agent.BlockSize % 4096 != 0)
                issues.Add(new(agent.Name, $"Agent {agent.Name} has block size {agent.BlockSize}; it must be a multiple of 4096 from {TapeFormat.MinBlockSize} to {TapeFormat.MaxBlockSize}."));
            if (agent.Buffers.Count == 0)
                issues.Add(new(agent.Name, $"Agent {agent.Name} has no buffer."));
            foreach (var buffer in agent.Buffers)
            {
                var id = $"{agent.Name}.{buffer.Name}";
                if ((buffer.Objects is null) == (buffer.From is null))
                    issues.Add(new(id, $"Buffer {id} must have either \"objects\" (backup group) or \"from\" (mirror), not {(buffer.Objects is null ? "neither" : "both")}."));
            }
            foreach (var group in agent.Buffers.GroupBy(b => b.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
                issues.Add(new($"{agent.Name}.{group.Key}", $"Agent {agent.Name} has two buffers named {group.Key}."));
        }
        foreach (var group in Agents.Where(a => !string.IsNullOrWhiteSpace(a.Drive)).GroupBy(a => a.Drive, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new(group.Key, $"Agents {string.Join(" and ", group.Select(a => a.Name))} are both assigned to drive {group.Key}; a drive belongs to one agent."));

        var buffers = AllBuffers().GroupBy(b => b.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var (id, (agent, buffer)) in buffers.Select(kv => (kv.Key, (kv.Value.Agent, kv.Value.Buffer))))
            if (buffer.From is { } from && !buffers.ContainsKey(from))
                issues.Add(new(id, $"Buffer {id} mirrors '{from}', which is not a buffer of any agent (write Agent.Buffer)."));
        foreach (var group in buffers.Values.Where(b => b.Buffer.From is not null && buffers.ContainsKey(b.Buffer.From))
                     .GroupBy(b => b.Buffer.From!, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new(group.Key, $"Buffer {group.Key} feeds {string.Join(" and ", group.Select(b => b.Id))}; a daisy chain gives each buffer one successor."));

        // Follow each buffer's "from" links upstream: a loop is a cycle; an agent met twice puts an object twice on one tape.
        var reportedCycles = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var start in buffers.Values)
        {
            var seen = new List<(string Id, string Agent, string Drive)>();
            var current = start;
            while (current is not null)
            {
                if (seen.Any(s => string.Equals(s.Id, current.Id, StringComparison.OrdinalIgnoreCase)))
                {
                    var loop = seen.SkipWhile(s => !string.Equals(s.Id, current.Id, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).ToList();
                    var key = string.Join(">", loop.Order(StringComparer.OrdinalIgnoreCase));
                    if (reportedCycles.Add(key))
                        issues.Add(new(current.Id, $"The mirror chain has a cycle: {string.Join(" <- ", loop)} <- {current.Id}."));
                    break;
                }
                seen.Add((current.Id, current.Agent.Name, current.Agent.Drive));
                current = current.Buffer.From is { } from && buffers.TryGetValue(from, out var up) ? up : null;
            }
        }
        foreach (var chain in Chains(buffers))
        {
            var byTape = chain.GroupBy(b => b.Agent.Drive, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (byTape is not null)
                issues.Add(new(chain[0].Id, $"Objects of buffer {chain[0].Id} would be mirrored twice onto the same tape: {string.Join(" and ", byTape.Select(b => b.Id))} write to drive {byTape.Key}."));
            var sizes = chain.Select(b => b.Agent.BlockSize).Distinct().ToList();
            if (sizes.Count > 1)
                issues.Add(new(chain[0].Id, $"The chain {string.Join(" -> ", chain.Select(b => b.Id))} mixes block sizes {string.Join(", ", sizes)}; a chain shares one block size."));
        }
        foreach (var agent in Agents)
        {
            var levels = agent.Buffers.Select(b => Level(new BufferRef(agent, b), buffers)).Where(l => l >= 0).Distinct().ToList();
            if (levels.Count > 1)
                issues.Add(new(agent.Name, $"Agent {agent.Name} has buffers at mirror levels {string.Join(" and ", levels)}; an agent belongs to one group."));
        }
        return issues;
    }

    /// <summary>
    /// Checks the library's cartridges against the agents: an early-warning zone smaller than
    /// <see cref="TapeFormat.MinimumEarlyWarningBytes"/> for the largest block size an agent writes would run into the end of the medium
    /// before the writer is warned. Each issue names the cartridge's field (<c>Cartridges[VT0001].EarlyWarningBytes</c> of library.json).
    /// </summary>
    public IReadOnlyList<ConfigurationIssue> ValidateCartridges(IEnumerable<LibraryCartridge> cartridges)
    {
        if (Changer is not null)
            return []; // real drives signal early warning from the medium itself
        var widest = Agents.Where(a => a.BlockSize is >= TapeFormat.MinBlockSize and <= TapeFormat.MaxBlockSize).OrderByDescending(a => a.BlockSize).FirstOrDefault();
        if (widest is null)
            return [];
        var minimum = TapeFormat.MinimumEarlyWarningBytes(widest.BlockSize);
        return cartridges.Where(c => c.Location != CartridgeLocation.Exported && c.EarlyWarningBytes < minimum)
            .Select(c => new ConfigurationIssue($"Cartridges[{c.Barcode}].EarlyWarningBytes",
                $"Cartridge {c.Barcode}: EarlyWarningBytes ({c.EarlyWarningBytes}) is smaller than {minimum}, the zone two {widest.BlockSize}-byte blocks of agent {widest.Name} need to span onto the next cartridge."))
            .ToList();
    }

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

    private sealed record BufferRef(AgentDefinition Agent, BufferDefinition Buffer)
    {
        public string Id => $"{Agent.Name}.{Buffer.Name}";
    }

    private IEnumerable<BufferRef> AllBuffers() => Agents.SelectMany(a => (a.Buffers ?? []).Select(b => new BufferRef(a, b)));

    private static int Level(BufferRef buffer, Dictionary<string, BufferRef> buffers)
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

    /// <summary>Each chain from a backup-group buffer down its mirrors.</summary>
    private static IEnumerable<List<BufferRef>> Chains(Dictionary<string, BufferRef> buffers)
    {
        foreach (var head in buffers.Values.Where(b => b.Buffer.Objects is not null && b.Buffer.From is null))
        {
            var chain = new List<BufferRef> { head };
            var current = head;
            while (buffers.Values.FirstOrDefault(b => string.Equals(b.Buffer.From, current.Id, StringComparison.OrdinalIgnoreCase)) is { } next
                   && !chain.Contains(next))
            {
                chain.Add(next);
                current = next;
            }
            yield return chain;
        }
    }
}
