using System.Runtime.InteropServices;
using DiffusionDynamics.Cli;
using DiffusionDynamics.Reports;

// SIGINT / SIGTERM: remove this run's hidden staging folders, then end at once with 128 + the signal's number, as a shell reports
// a process the signal ended (no half-written --out). _exit skips the runtime's shutdown: the default path runs libtorch's and
// oneMKL's exit handlers while the main thread may still be inside a parallel GEMM, which could hang the process under load.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => EndOnSignal(2));
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => EndOnSignal(15));
return CliApp.Run(args);

static void EndOnSignal(int number)
{
    RunDirectory.RemoveUncommitted();
    Console.Out.Flush();
    Console.Error.Flush();
    NativeExit.Exit(128 + number);
}

internal static class NativeExit
{
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for this one call
    [DllImport("libc", EntryPoint = "_exit")]
    internal static extern void Exit(int status);
#pragma warning restore SYSLIB1054
}
