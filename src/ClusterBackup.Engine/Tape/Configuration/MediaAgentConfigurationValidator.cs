using ClusterBackup.Engine.Tape.Format;
using ClusterBackup.Engine.Tape.Library;
using BufferRef = ClusterBackup.Engine.Tape.Configuration.MediaAgentConfiguration.BufferRef;

namespace ClusterBackup.Engine.Tape.Configuration;

/// <summary>
/// The checks of a media-agent configuration (docs/media-agent-configuration.md): names, drives, block sizes, and the
/// mirror chains' shape (one successor per buffer, no cycle, never twice onto one tape, one block size per chain).
/// Every issue names the agent, buffer or cartridge at fault, so that one error can list them all.
/// </summary>
internal static class MediaAgentConfigurationValidator
{
    /// <summary>Every problem, each naming the agent or buffer at fault. <paramref name="drives"/> are the drives that exist.</summary>
    public static IReadOnlyList<ConfigurationIssue> Validate(MediaAgentConfiguration configuration, IEnumerable<string> drives)
    {
        var issues = TapeLibraryFactory.Validate(configuration).ToList();
        var known = (configuration.Changer is not null ? configuration.Drives.Select(d => d.Name) : drives).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (configuration.Agents.Count == 0)
            issues.Add(new("agents", "The configuration defines no agent."));
        foreach (var group in configuration.Agents.GroupBy(a => a.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new(group.Key, $"Agent name '{group.Key}' is used {group.Count()} times."));
        foreach (var agent in configuration.Agents)
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
        foreach (var group in configuration.Agents.Where(a => !string.IsNullOrWhiteSpace(a.Drive)).GroupBy(a => a.Drive, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            issues.Add(new(group.Key, $"Agents {string.Join(" and ", group.Select(a => a.Name))} are both assigned to drive {group.Key}; a drive belongs to one agent."));

        var buffers = configuration.AllBuffers().GroupBy(b => b.Id, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
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
        foreach (var agent in configuration.Agents)
        {
            var levels = agent.Buffers.Select(b => MediaAgentConfiguration.Level(new BufferRef(agent, b), buffers)).Where(l => l >= 0).Distinct().ToList();
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
    public static IReadOnlyList<ConfigurationIssue> ValidateCartridges(MediaAgentConfiguration configuration, IEnumerable<LibraryCartridge> cartridges)
    {
        if (configuration.Changer is not null)
            return []; // real drives signal early warning from the medium itself
        var widest = configuration.Agents.Where(a => a.BlockSize is >= TapeFormat.MinBlockSize and <= TapeFormat.MaxBlockSize).OrderByDescending(a => a.BlockSize).FirstOrDefault();
        if (widest is null)
            return [];
        var minimum = TapeFormat.MinimumEarlyWarningBytes(widest.BlockSize);
        return cartridges.Where(c => c.Location != CartridgeLocation.Exported && c.EarlyWarningBytes < minimum)
            .Select(c => new ConfigurationIssue($"Cartridges[{c.Barcode}].EarlyWarningBytes",
                $"Cartridge {c.Barcode}: EarlyWarningBytes ({c.EarlyWarningBytes}) is smaller than {minimum}, the zone two {widest.BlockSize}-byte blocks of agent {widest.Name} need to span onto the next cartridge."))
            .ToList();
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
