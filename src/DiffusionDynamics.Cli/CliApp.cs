using System.CommandLine;
using DiffusionDynamics.Cli.Commands;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Cli;

/// <summary>The <c>diffdyn</c> command tree, and the mapping of failures to exit codes.</summary>
public static class CliApp
{
    /// <summary>Exit code for a bad option or unreadable input (nothing is written).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for an unexpected failure.</summary>
    public const int InternalError = 1;

    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("diffdyn — generative dynamics of diffusion models: exact, analytic and trained scores; " +
                                   "speciation, collapse and the regimes of generation. All times are OU times t unless stated.");
        root.Subcommands.Add(RegimesCommand.Build());
        root.Subcommands.Add(SampleCommand.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(MemorizationCommand.Build());
        root.Subcommands.Add(CompareScoresCommand.Build());
        root.Subcommands.Add(SymmetryCommand.Build());
        root.Subcommands.Add(AccelerateCommand.Build());
        root.Subcommands.Add(TrajectoriesCommand.Build());
        root.Subcommands.Add(SpectrumCommand.Build());
        root.Subcommands.Add(MemoryCommand.Build());
        root.Subcommands.Add(EntropyCommand.Build());
        root.Subcommands.Add(GuideCommand.Build());
        return root;
    }

    /// <summary>Parses and runs; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = BuildRoot();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run 'diffdyn --help' for the options.");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUsageError(e))
        {
            stderr.WriteLine($"error: {Unwrap(e).Message}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return InternalError;
        }
    }

    private static Exception Unwrap(Exception e) => e is AggregateException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static bool IsUsageError(Exception e) => Unwrap(e) is ArgumentException or DataFormatException or IOException
        or UnauthorizedAccessException or FormatException;
}
