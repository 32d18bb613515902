using ClusterBackup.Engine.Common;

namespace ClusterBackup.Engine.Databases.SqlServer;

/// <summary>Opens sessions; throws <see cref="ClusterBackupException"/> (ConnectionError) naming the server when it cannot.</summary>
public interface ISqlServerConnector
{
    Task<ISqlServerSession> OpenAsync(string dataSource, string server, CancellationToken cancellationToken);
}
