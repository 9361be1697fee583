using System.Runtime.InteropServices;
using DiffusionDynamics.Cli;
using DiffusionDynamics.Reports;

// SIGINT / SIGTERM: remove this run's hidden staging folders, then end as the signal asks (no half-written --out).
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => RunDirectory.RemoveUncommitted());
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => RunDirectory.RemoveUncommitted());
return CliApp.Run(args);
