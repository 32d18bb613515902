using System.CommandLine;

namespace ClusterBackup.Cli;

/// <summary>A capability's CLI commands. Implementations are discovered by reflection.</summary>
public interface ICliCommandGroup
{
    IEnumerable<Command> Build(CliContext context);
}
