using DiffusionDynamics.Analysis;
using Spectre.Console;

namespace DiffusionDynamics.Cli.Terminal;

/// <summary>
/// Progress for long work: a Spectre.Console bar on a terminal; plain "label: k/N (p%)" lines every 10 %
/// when output is redirected (Spectre prints nothing there).
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="work"/>, which reports progress through the <see cref="IProgress{T}"/> it is given (units done).</summary>
    public static T Run<T>(TextWriter output, string label, long total, Func<IProgress<long>, T> work)
    {
        if (IsTerminal(output))
        {
            T result = default!;
            Bars().Start(ctx =>
                {
                    var task = ctx.AddTask(label, maxValue: Math.Max(total, 1));
                    result = work(new InlineProgress<long>(done => task.Value = done));
                    task.Value = task.MaxValue;
                });
            return result;
        }
        long lastDecile = -1;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var plain = new InlineProgress<long>(done =>
        {
            long decile = total > 0 ? done * 10 / total : 10;
            if (decile == lastDecile) return;
            lastDecile = decile;
            output.WriteLine($"{label}: {done}/{total} ({decile * 10}%) {sw.Elapsed.TotalSeconds:F1}s");
        });
        return work(plain);
    }

    /// <summary>
    /// Runs work made of named stages; <paramref name="work"/> reports (stage, detail, done, total), where the detail
    /// (e.g. the current loss) may change at every report. One bar per stage on a terminal; plain lines every 10 % of
    /// each stage otherwise.
    /// </summary>
    public static T RunStages<T>(TextWriter output, Func<Action<string, string, long, long>, T> work)
    {
        if (IsTerminal(output))
        {
            T result = default!;
            Bars().Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                result = work((stage, detail, done, total) =>
                {
                    if (!tasks.TryGetValue(stage, out var task))
                    {
                        foreach (var other in tasks.Values) other.Value = other.MaxValue;
                        tasks[stage] = task = ctx.AddTask(Markup.Escape(stage), maxValue: Math.Max(total, 1));
                    }
                    task.Description = Markup.Escape(detail.Length > 0 ? $"{stage} {detail}" : stage);
                    task.Value = Math.Min(done, task.MaxValue);
                });
                foreach (var task in tasks.Values) task.Value = task.MaxValue;
            });
            return result;
        }
        var last = new Dictionary<string, long>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        return work((stage, detail, done, total) =>
        {
            long decile = total > 0 ? Math.Min(10, done * 10 / total) : 10;
            if (last.TryGetValue(stage, out long previous) && previous == decile) return;
            last[stage] = decile;
            output.WriteLine($"{stage}: {done}/{total} ({decile * 10}%) {detail} {sw.Elapsed.TotalSeconds:F1}s".Replace("  ", " "));
        });
    }

    private static bool IsTerminal(TextWriter output) => !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);

    private static Spectre.Console.Progress Bars() => AnsiConsole.Progress()
        .AutoClear(false)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
            new ElapsedTimeColumn(), new RemainingTimeColumn());
}
