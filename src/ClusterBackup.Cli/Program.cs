using ClusterBackup.Cli;

return CliApplication.Run(args);
