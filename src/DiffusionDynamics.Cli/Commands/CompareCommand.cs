using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Cli.Terminal;
using DiffusionDynamics.Reports;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// <c>diffdyn compare RUN_DIR RUN_DIR…</c>: runs of one command side by side — their headline numbers with the differences
/// in standard errors, and the command's curves overlaid (<see cref="CompareRuns"/>, <see cref="CompareDescriptor"/>).
/// </summary>
public static class CompareCommand
{
    public static Command Build()
    {
        var runs = new Argument<string[]>("RUN_DIR")
        {
            Description = $"Run folders of one command ({CompareDescriptor.Supported}); a regimes --model run counts as two (model and exact score).",
            Arity = ArgumentArity.OneOrMore,
        };
        var out_ = new Option<string?>("--out") { Description = "Output folder (default runs/compare-<timestamp>); must not exist or be empty." };
        out_.Validators.Add(r => { if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[0].Value)) r.AddError("--out expects a folder path, got ''."); });
        var command = new Command("compare", "Runs of one command side by side: headline numbers with their differences in standard errors, and the curves overlaid.");
        command.Arguments.Add(runs);
        command.Options.Add(out_);
        OptionFlags.SetAction(command, p => Execute(p.GetValue(runs) ?? [],
            p.GetValue(out_) ?? Path.Combine("runs", $"compare-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}"),
            CommonOptions.Arguments(p), p.InvocationConfiguration.Output));
        return command;
    }

    /// <summary>Reads the runs (all checked before anything is written) and writes the comparison folder.</summary>
    public static int Execute(IReadOnlyList<string> folders, string outDir, string[] args, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var result = CompareRuns.Load(folders);
        using var run = RunOutput.Create(outDir);
        var manifest = CommandRun.Manifest("compare", args, new { runs = result.Runs.Select(r => new { r.Label, r.Folder, r.ResultFile }) }, 0);
        return RunSummaryPrinter.Print(output, run.Finish(new CompareWriter(), result, manifest, clock));
    }
}
