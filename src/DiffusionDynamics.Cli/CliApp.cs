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
        root.Subcommands.Add(NoetherCommand.Build());
        root.Subcommands.Add(VarianceCommand.Build());
        root.Subcommands.Add(TimelineCommand.Build());
        root.Subcommands.Add(EntropyCommand.Build());
        root.Subcommands.Add(GuideCommand.Build());
        root.Subcommands.Add(PhaseCommand.Build());
        root.Subcommands.Add(MergeCommand.Build());
        OnnxModelOptionsCli.AttachTo(root);
        OptionChecks.Apply(root);
        return root;
    }

    /// <summary>Parses and runs; returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        try
        {
            Backend.TorchRuntime.ThreadsFromEnvironment();
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        var root = BuildRoot();
        var parse = root.Parse(args);
        OnnxModelOptionsCli.Invocation = parse;
        if (parse.Errors.Count > 0)
        {
            // One line per distinct problem, the last one pointing at the help of the command.
            var messages = parse.Errors.Select(ParseErrorMessage).Distinct().ToArray();
            string help = parse.CommandResult.Command is RootCommand ? "diffdyn --help" : $"diffdyn {parse.CommandResult.Command.Name} --help";
            for (int i = 0; i < messages.Length; i++)
                stderr.WriteLine($"error: {messages[i]}" + (i == messages.Length - 1 ? $" See '{help}'." : ""));
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUsageError(e))
        {
            stderr.WriteLine($"error: {UsageMessage(Unwrap(e), parse.CommandResult.Command)}");
            return UsageError;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return InternalError;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("DIFFDYN_TRACE") != "1")
        {
            // Not the user's fault: one line saying so, the full trace on request.
            var inner = Unwrap(e);
            stderr.WriteLine($"internal error: {inner.Message.ReplaceLineEndings(" ")} ({inner.GetType().Name}; rerun with DIFFDYN_TRACE=1 for the stack trace, and please report it).");
            return InternalError;
        }
    }

    /// <summary>One line per parse error, naming the option it concerns (System.CommandLine's own texts do not always).</summary>
    private static string ParseErrorMessage(System.CommandLine.Parsing.ParseError error)
    {
        string message = string.Join(' ', error.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Replace("' '", "', '", StringComparison.Ordinal);
        var option = error.SymbolResult switch
        {
            System.CommandLine.Parsing.OptionResult o => o.Option,
            System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option,
            _ => null,
        };
        return option is null || message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
    }

    /// <summary>
    /// The one-line message of a usage error: without .NET's "(Parameter 'x')" and "Actual value was" suffixes, and
    /// prefixed with the command's option when the parameter names one (an options record's TMax is --t-max).
    /// </summary>
    public static string UsageMessage(Exception e, Command? command = null)
    {
        string message = e.Message;
        if (e is ArgumentException { ParamName: { } param } a)
        {
            int at = message.LastIndexOf($" (Parameter '{param}')", StringComparison.Ordinal);
            if (at >= 0) message = message[..at];
            var option = command?.Options.FirstOrDefault(o => o.Name == OptionName(param));
            string got = a is ArgumentOutOfRangeException { ActualValue: { } v } && !message.Contains(" got ", StringComparison.Ordinal)
                ? $" (got {Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)})" : "";
            message = message.TrimEnd().TrimEnd('.') + got + ".";
            if (option is not null && !message.Contains(option.Name, StringComparison.Ordinal)) message = $"{option.Name}: {message}";
        }
        return string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>"TMax" or "tMax" → "--t-max".</summary>
    private static string OptionName(string parameter)
    {
        var b = new System.Text.StringBuilder("--");
        for (int i = 0; i < parameter.Length; i++)
        {
            char c = parameter[i];
            if (char.IsUpper(c) && i > 0) b.Append('-');
            b.Append(char.ToLowerInvariant(c));
        }
        return b.ToString();
    }

    private static Exception Unwrap(Exception e) => e switch
    {
        AggregateException { InnerException: { } inner } => Unwrap(inner),
        TypeInitializationException { InnerException: { } inner } => Unwrap(inner),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Unwrap(inner),
        _ => e,
    };

    private static bool IsUsageError(Exception e) => Unwrap(e) is ArgumentException or DataFormatException or IOException
        or UnauthorizedAccessException or FormatException;
}
