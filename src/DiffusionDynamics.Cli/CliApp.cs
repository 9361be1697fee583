using System.CommandLine;
using DiffusionDynamics.Cli.Commands;
using DiffusionDynamics.Cli.Terminal;
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
        root.Subcommands.Add(CompareCommand.Build());
        root.Subcommands.Add(PhaseCommand.Build());
        root.Subcommands.Add(MergeCommand.Build());
        OnnxModelOptionsCli.AttachTo(root);
        OptionChecks.Apply(root);
        return root;
    }

    /// <summary>Parses and runs; returns the process exit code. Results go to <paramref name="stdout"/>; errors and progress to <paramref name="stderr"/>.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var previous = Terminal.ProgressDisplay.Errors;
        Terminal.ProgressDisplay.Errors = stderr;
        try
        {
            return Invoke(args, stdout, stderr);
        }
        finally
        {
            Terminal.ProgressDisplay.Errors = previous;
        }
    }

    private static int Invoke(string[] args, TextWriter stdout, TextWriter stderr)
    {
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
            // One line: the first problem (an unknown word first, with the nearest known name), then the command's help.
            string help = parse.CommandResult.Command is RootCommand ? "diffdyn --help" : $"diffdyn {parse.CommandResult.Command.Name} --help";
            string message = parse.UnmatchedTokens.Count > 0
                ? UnknownWordMessage(parse.UnmatchedTokens[0], parse.CommandResult.Command)
                : ParseErrorMessage(parse.Errors[0]);
            stderr.WriteLine($"error: {message.TrimEnd().TrimEnd('.')}. See '{help}'.");
            return UsageError;
        }
        // Imported models built by this invocation log their clock use; the report shows the time-mapping error (RunOutput.Finish).
        Scores.Onnx.ModelClockLog.Begin();
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (IsUsageError(e))
        {
            stderr.WriteLine($"error: {UsageMessage(OptionFlags.Map(Unwrap(e)), parse.CommandResult.Command)}"); // library option names as flags, for commands whose action is not wrapped
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

    /// <summary>
    /// "unknown option '--pair' (did you mean --pairs?)." for a word the command does not know: the nearest of its
    /// options (its own and those its parents share) when the word starts with '-', else of its subcommands.
    /// </summary>
    public static string UnknownWordMessage(string word, Command command)
    {
        bool isOption = word.StartsWith('-');
        IEnumerable<string> names = isOption
            ? command.Options.Concat(Ancestors(command).SelectMany(c => c.Options.Where(o => o.Recursive)))
                .SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            : command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name);
        string? nearest = ClosestName.Find(word, names);
        string what = isOption ? "option" : command.Subcommands.Count > 0 ? "command" : "argument";
        return $"unknown {what} '{word}'" + (nearest is null ? "." : $" (did you mean {nearest}?).");
    }

    private static IEnumerable<Command> Ancestors(Command command)
    {
        for (var parent = command.Parents.OfType<Command>().FirstOrDefault(); parent is not null; parent = parent.Parents.OfType<Command>().FirstOrDefault())
            yield return parent;
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
