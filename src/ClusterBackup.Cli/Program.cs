using System.CommandLine;
using ClusterBackup.Cli;

return CliApplication.Run(args);
