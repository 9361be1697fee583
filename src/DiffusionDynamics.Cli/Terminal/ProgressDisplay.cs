using System.Globalization;
using DiffusionDynamics.Analysis;
using Spectre.Console;

namespace DiffusionDynamics.Cli.Terminal;

/// <summary>
/// Progress for long work, always on standard error (standard output carries only results, so
/// <c>diffdyn regimes &gt; out.txt</c> keeps the results alone): a Spectre.Console bar when standard error is a
/// terminal, plain "label: k/N (p%) t s" lines at every tenth of the work otherwise, p the exact percentage.
/// </summary>
public static class ProgressDisplay
{
    private static readonly AsyncLocal<TextWriter?> errors = new();

    /// <summary>
    /// Where progress goes: the error writer of the current <see cref="CliApp.Run"/> invocation (so captured runs
    /// capture it), <see cref="Console.Error"/> outside one.
    /// </summary>
    public static TextWriter Errors
    {
        get => errors.Value ?? Console.Error;
        set => errors.Value = value;
    }

    /// <summary>Runs <paramref name="work"/>, which reports progress through the <see cref="IProgress{T}"/> it is given (units done).</summary>
    public static T Run<T>(string label, long total, Func<IProgress<long>, T> work)
    {
        if (IsTerminal())
        {
            T result = default!;
            Bars().Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: Math.Max(total, 1));
                result = work(new InlineProgress<long>(done => task.Value = Math.Min(done, task.MaxValue)));
                Finish(task);
            });
            return result;
        }
        var writer = Errors;
        long lastTenth = -1;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        return work(new InlineProgress<long>(done =>
        {
            long tenth = Tenth(done, total);
            if (tenth == lastTenth) return;
            lastTenth = tenth;
            writer.WriteLine(Line(label, "", done, total, sw.Elapsed));
        }));
    }

    /// <summary>
    /// Runs work made of named stages; <paramref name="work"/> reports (stage, detail, done, total), where the detail
    /// (e.g. the current loss) may change at every report. One bar per stage on a terminal, stopped (its clock too)
    /// when the stage completes or the next one starts; plain lines at every tenth of each stage otherwise.
    /// </summary>
    public static T RunStages<T>(Func<Action<string, string, long, long>, T> work)
    {
        if (IsTerminal())
        {
            T result = default!;
            Bars().Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                result = work((stage, detail, done, total) =>
                {
                    if (!tasks.TryGetValue(stage, out var task))
                    {
                        foreach (var other in tasks.Values) Finish(other);
                        tasks[stage] = task = ctx.AddTask(Markup.Escape(stage), maxValue: Math.Max(total, 1));
                    }
                    task.Description = Markup.Escape(detail.Length > 0 ? $"{stage} {detail}" : stage);
                    task.Value = Math.Min(done, task.MaxValue);
                    if (done >= total) Finish(task);
                });
                foreach (var task in tasks.Values) Finish(task);
            });
            return result;
        }
        var writer = Errors;
        var last = new Dictionary<string, long>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        return work((stage, detail, done, total) =>
        {
            long tenth = Tenth(done, total);
            if (last.TryGetValue(stage, out long previous) && previous == tenth) return;
            last[stage] = tenth;
            writer.WriteLine(Line(stage, detail, done, total, sw.Elapsed));
        });
    }

    /// <summary>A plain progress line: "label: k/N (p%) detail t s", p = 100 k / N to one decimal (100 % when N ≤ 0).</summary>
    public static string Line(string label, string detail, long done, long total, TimeSpan elapsed)
    {
        string text = $"{label}: {done}/{total} ({Percent(done, total)}%)";
        if (detail.Length > 0) text += " " + detail;
        return text + " " + elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + "s";
    }

    /// <summary>100 k / N with at most one decimal ("16.7", "10", "100"); 100 when N ≤ 0.</summary>
    public static string Percent(long done, long total) =>
        (total > 0 ? 100.0 * Math.Min(done, total) / total : 100.0).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Which tenth of the work <paramref name="done"/> is in (0…10): a plain line is printed when it changes.</summary>
    private static long Tenth(long done, long total) => total > 0 ? Math.Clamp(done * 10 / total, 0, 10) : 10;

    /// <summary>Completes a bar and stops its clock (Spectre's elapsed column reads the stop time).</summary>
    private static void Finish(ProgressTask task)
    {
        if (task.IsFinished && task.StopTime is not null) return;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    private static bool IsTerminal() => !Console.IsErrorRedirected && ReferenceEquals(Errors, Console.Error);

    private static Spectre.Console.Progress Bars() =>
        // Interactive: only called when standard error is a terminal (Spectre's own detection also asks whether stdout is redirected).
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error), Interactive = InteractionSupport.Yes }).Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn());
}
