using DiffusionDynamics.Cli;

return CliApp.Run(args);
