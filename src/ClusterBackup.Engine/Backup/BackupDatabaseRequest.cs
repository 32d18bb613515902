using System.Net;
using ClusterBackup.Engine.Catalog;

namespace ClusterBackup.Engine.Backup;

/// <summary>
/// A backup to take: the databases of one virtual server (or of every configured server of a cluster that holds
/// them) onto a share.
/// </summary>
/// <param name="Share">The backup share root (UNC path or mounted folder); it must exist.</param>
/// <param name="Server">The virtual server; null takes every server the configuration places in <paramref name="Cluster"/>.</param>
/// <param name="Databases">The databases to back up; each has its own outcome. None backs up every user database of
/// the server, as dbatools' Backup-DbaDatabase does, less <paramref name="ExcludeDatabases"/>.</param>
/// <param name="Type">Full, differential (SQL Server only: the extents changed since the latest full backup) or log.</param>
/// <param name="Cluster">The cluster; null uses the cluster the configuration gives the server.</param>
/// <param name="Initialize">Start a new media set (WITH INIT); the previous one is kept and marked superseded.
/// For a log backup it also starts a new log chain from the latest full backup.</param>
/// <param name="Verify">Verify each backup after writing it and mark it verified.</param>
/// <param name="Checksum">Ask the engine for its strongest checksums (BACKUP ... CHECKSUM; SHA-256 manifest).</param>
/// <param name="Credential">Credentials to connect with; null uses the configured ones, else integrated or trust authentication.</param>
/// <param name="CopyOnly">Outside the chain: later log backups do not follow it. Not with a differential.</param>
/// <param name="ExcludeDatabases">Databases left out (by name, ignoring case), with every user database or a list.</param>
public sealed record BackupDatabaseRequest(
    string Share,
    IReadOnlyList<string> Databases,
    BackupType Type,
    string? Server = null,
    string? Cluster = null,
    bool Initialize = false,
    bool Verify = false,
    bool Checksum = false,
    bool CopyOnly = false,
    NetworkCredential? Credential = null,
    IReadOnlyList<string>? ExcludeDatabases = null);
