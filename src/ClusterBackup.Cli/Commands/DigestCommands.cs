using System.CommandLine;
using System.Net;
using ClusterBackup.Engine.Catalog;
using ClusterBackup.Engine.Common;
using ClusterBackup.Engine.Digest;
using ClusterBackup.Engine.Digest.Remote;

namespace ClusterBackup.Cli.Commands;

/// <summary>
/// `clusterbackup digest compute|compare|serve|new-key` and `clusterbackup blocks backup|restore|list`:
/// block digests, Compare-BlockDigest and its remote endpoint, and changed-block incrementals.
/// </summary>
public sealed class DigestCommands : ICliCommandGroup
{
    private static readonly Option<int> BlockSizeOption = new("--block-size")
    {
        Description = "Block size in bytes, a multiple of 512 (default 65536).",
        DefaultValueFactory = _ => BlockDigestOptions.DefaultBlockSize,
    };

    private static readonly Option<string> AlgorithmOption = new("--algorithm")
    {
        Description = "sha256 (default) or xxh3.",
        DefaultValueFactory = _ => "sha256",
    };

    private static readonly Option<int> GroupOption = new("--group-blocks")
    {
        Description = "Blocks per group for the two-level comparison (default 64).",
        DefaultValueFactory = _ => BlockDigestOptions.DefaultGroupBlocks,
    };

    private static readonly Option<int> ParallelismOption = new("--parallelism")
    {
        Description = "Digest worker threads (default: one per core).",
    };

    static DigestCommands() => AlgorithmOption.AcceptOnlyFromAmong("sha256", "xxh3");

    /// <summary>The digest options of a command; options a command does not offer keep their defaults.</summary>
    private static BlockDigestOptions Options(ParseResult parse) => new()
    {
        BlockSize = parse.GetValue(BlockSizeOption) is > 0 and var size ? size : BlockDigestOptions.DefaultBlockSize,
        Algorithm = parse.GetValue(AlgorithmOption) == "xxh3" ? DigestAlgorithm.Xxh3 : DigestAlgorithm.Sha256,
        GroupBlocks = parse.GetValue(GroupOption) is > 0 and var group ? group : BlockDigestOptions.DefaultGroupBlocks,
        Parallelism = parse.GetValue(ParallelismOption),
    };

    public IEnumerable<Command> Build(CliContext context)
    {
        yield return BuildDigest(context);
        yield return BuildBlocks(context);
    }

    private static Command BuildDigest(CliContext context)
    {
        var digest = new Command("digest", "Block digests: compute, compare and repair, serve a digest endpoint.");

        var computePath = new Argument<string>("path") { Description = "File or block device to digest." };
        var computeOut = new Option<string>("--out") { Description = "Digest file to write.", Required = true };
        var compute = new Command("compute", "Write the block digests of a file or device to a digest file.") { computePath, computeOut, BlockSizeOption, AlgorithmOption, ParallelismOption };
        compute.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await new ExportBlockDigestOperation().RunAsync(new ExportBlockDigestRequest(parse.GetValue(computePath)!, parse.GetValue(computeOut)!, Options(parse)), context.Reporter(parse), token);
            context.Output(parse).WriteOne(result, CliTables.BlockDigestExport);
            return CliContext.ExitOk;
        }));
        digest.Subcommands.Add(compute);

        var path = new Argument<string>("path") { Description = "The local file or device: the primary (or the backup copy with --role backup)." };
        var backup = new Option<string?>("--backup") { Description = "A local backup file or device to compare with." };
        var digestFile = new Option<string?>("--digest-file") { Description = "A digest file to compare with (no repair)." };
        var remote = new Option<string?>("--remote") { Description = "A digest endpoint, host[:port] (default port 7414)." };
        var remotePath = new Option<string?>("--remote-path") { Description = "The other copy's path on the remote system." };
        var keyFile = new Option<string?>("--key-file") { Description = "The shared key file (same as the endpoint's)." };
        var role = new Option<string>("--role") { Description = "primary (default) or backup: which copy the local path is.", DefaultValueFactory = _ => "primary" };
        role.AcceptOnlyFromAmong("primary", "backup");
        var repair = new Option<bool>("--repair") { Description = "Write the differing blocks into the backup, flush, and verify." };
        var whatIf = new Option<bool>("--what-if") { Description = "With --repair: report what would be sent, write nothing." };
        var compare = new Command("compare", "Compare a primary with its backup block by block; --repair makes the backup equal.")
        {
            path, backup, digestFile, remote, remotePath, keyFile, role, repair, whatIf, BlockSizeOption, AlgorithmOption, GroupOption, ParallelismOption,
        };
        compare.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var request = new CompareBlockDigestRequest
            {
                Path = parse.GetValue(path)!,
                BackupPath = parse.GetValue(backup),
                DigestFilePath = parse.GetValue(digestFile),
                Remote = parse.GetValue(remote) is { } endpoint ? DigestEndpoint.Parse(endpoint) : null,
                RemotePath = parse.GetValue(remotePath),
                KeyFile = parse.GetValue(keyFile),
                LocalRole = parse.GetValue(role) == "backup" ? DigestRole.Backup : DigestRole.Primary,
                Options = Options(parse),
                Repair = parse.GetValue(repair),
                WhatIf = parse.GetValue(whatIf),
            };
            var result = await new CompareBlockDigestOperation().RunAsync(request, context.Reporter(parse), token);
            var output = context.Output(parse);
            output.WriteOne(result, CliTables.BlockDigestComparison);
            if (!output.IsJson && result.SizesDiffer)
                context.Error.WriteLine($"Sizes differ: primary {result.PrimarySize} bytes, backup {result.BackupSize} bytes.");
            return result.Identical ? CliContext.ExitOk : 3;
        }));
        digest.Subcommands.Add(compare);

        var root = new Option<string>("--root") { Description = "The file, device or folder this endpoint serves.", Required = true };
        var serveKey = new Option<string>("--key-file") { Description = "The shared key file.", Required = true };
        var listen = new Option<string>("--listen") { Description = "Address to listen on (default 127.0.0.1: loopback only).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (default 7414; 0 picks a free one and prints it).", DefaultValueFactory = _ => DigestEndpoint.DefaultPort };
        var readOnly = new Option<bool>("--read-only") { Description = "Refuse repairs; only digest." };
        var maxSessions = new Option<int>("--max-sessions") { Description = "Exit after this many sessions (default: serve until stopped)." };
        var maxConnections = new Option<int>("--max-connections")
        {
            Description = $"Connections served at once; more are refused and logged (default {DigestServerOptions.DefaultMaxConnections}).",
            DefaultValueFactory = _ => DigestServerOptions.DefaultMaxConnections,
        };
        var handshakeTimeout = new Option<double>("--handshake-timeout")
        {
            Description = $"Seconds a peer has to authenticate and send its request (default {DigestServerOptions.DefaultHandshakeTimeoutSeconds}).",
            DefaultValueFactory = _ => DigestServerOptions.DefaultHandshakeTimeoutSeconds,
        };
        var frameTimeout = new Option<double>("--frame-timeout")
        {
            Description = $"Seconds an authenticated peer may take to send one message or take one (default {DigestServerOptions.DefaultFrameTimeoutSeconds}).",
            DefaultValueFactory = _ => DigestServerOptions.DefaultFrameTimeoutSeconds,
        };
        var serve = new Command("serve", "Serve block digests of files under --root to authenticated peers, and accept repairs.")
        {
            root, serveKey, listen, port, readOnly, maxSessions, maxConnections, handshakeTimeout, frameTimeout,
        };
        serve.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(listen), out var address))
                throw new ClusterBackupException(ErrorKind.InvalidArgument, parse.GetValue(listen)!, $"'{parse.GetValue(listen)}' is not an IP address to listen on.");
            using var server = new DigestServer(new DigestServerOptions
            {
                Address = address,
                Port = parse.GetValue(port),
                Key = DigestKey.Load(parse.GetValue(serveKey)!),
                Root = parse.GetValue(root)!,
                ReadOnly = parse.GetValue(readOnly),
                MaxSessions = parse.GetValue(maxSessions),
                MaxConnections = parse.GetValue(maxConnections),
                HandshakeTimeout = Seconds(parse.GetValue(handshakeTimeout), "--handshake-timeout"),
                FrameTimeout = Seconds(parse.GetValue(frameTimeout), "--frame-timeout"),
            }, context.Reporter(parse));
            server.Start();
            context.Out.WriteLine($"listening on {address}:{server.Port}");
            context.Out.Flush();
            await server.RunAsync(token);
            return CliContext.ExitOk;
        }));
        digest.Subcommands.Add(serve);

        var keyOut = new Option<string>("--out") { Description = "Key file to create (never overwritten).", Required = true };
        var newKey = new Command("new-key", "Create a random shared key file readable only by its owner, and show its fingerprint (New-ClusterBackupDigestKey).") { keyOut };
        newKey.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var key = await new NewDigestKeyOperation().RunAsync(new NewDigestKeyRequest(parse.GetValue(keyOut)!), context.Reporter(parse), token);
            context.Output(parse).WriteOne(key, CliTables.DigestKeyFile);
            return CliContext.ExitOk;
        }));
        digest.Subcommands.Add(newKey);
        return digest;
    }

    private static TimeSpan Seconds(double seconds, string option) =>
        seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
            ? TimeSpan.FromSeconds(seconds)
            : throw new ClusterBackupException(ErrorKind.InvalidArgument, option, $"{option} must be a positive number of seconds, not {seconds}.");

    private static Command BuildBlocks(CliContext context)
    {
        var blocks = new Command("blocks", "Changed-block incremental backups of a live file.");
        var store = new Option<string>("--store") { Description = "The store folder of the file's generations.", Required = true };

        var source = new Argument<string>("path") { Description = "The live file to back up." };
        var allowInconsistent = new Option<bool>("--allow-inconsistent-copy") { Description = "Proceed without a reflink clone (the copy may be inconsistent)." };
        var backup = new Command("backup", "Store the blocks changed since the last generation, from a reflink snapshot.") { source, store, allowInconsistent, BlockSizeOption, AlgorithmOption };
        backup.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var generation = await new BackupChangedBlockOperation(context.OpenOrCreateCatalog(parse)).RunAsync(new BackupChangedBlockRequest
            {
                SourcePath = parse.GetValue(source)!,
                StorePath = parse.GetValue(store)!,
                AllowInconsistentCopy = parse.GetValue(allowInconsistent),
                Options = Options(parse),
            }, context.Reporter(parse), token);
            WriteGenerations(context, parse, [generation]);
            return CliContext.ExitOk;
        }));
        blocks.Subcommands.Add(backup);

        var destination = new Option<string>("--destination") { Description = "The file to write.", Required = true };
        var generationOption = new Option<int>("--generation") { Description = "Generation to rebuild (default: the latest)." };
        var force = new Option<bool>("--force") { Description = "Replace the destination if it exists." };
        var restore = new Command("restore", "Rebuild a generation byte for byte, verified against its backup map.") { store, destination, generationOption, force };
        restore.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            var result = await new RestoreChangedBlockOperation(context.OpenCatalog(parse)).RunAsync(new RestoreChangedBlockRequest
            {
                StorePath = parse.GetValue(store)!,
                DestinationPath = parse.GetValue(destination)!,
                Generation = parse.GetValue(generationOption),
                Force = parse.GetValue(force),
            }, context.Reporter(parse), token);
            context.Output(parse).WriteOne(result, CliTables.RestoreChangedBlockResult);
            return CliContext.ExitOk;
        }));
        blocks.Subcommands.Add(restore);

        var list = new Command("list", "List the generations of a store.") { store };
        list.SetAction((parse, token) => context.ExecuteAsync(async () =>
        {
            WriteGenerations(context, parse, await new GetChangedBlockGenerationOperation(context.OpenCatalog(parse))
                .RunAsync(new GetChangedBlockGenerationRequest(parse.GetValue(store)!), context.Reporter(parse), token).ConfigureAwait(false));
            return CliContext.ExitOk;
        }));
        blocks.Subcommands.Add(list);
        return blocks;
    }

    private static void WriteGenerations(CliContext context, ParseResult parse, IEnumerable<ChangedBlockGeneration> generations) =>
        context.Output(parse).Write(generations, CliTables.ChangedBlockGeneration);
}
