using System.Diagnostics;
using System.Text.Json;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Reports;

/// <summary>
/// The results folder of one run and the one place that writes its tail: data files, figures, <c>manifest.json</c> and
/// <c>index.html</c> (<see cref="Finish{TResult}"/>). A run is either staged (written into a hidden folder that is renamed into place
/// on success, <see cref="Create"/>) or written in place (resumable sweeps whose folder already holds their state, <see cref="InPlace"/>).
/// </summary>
public sealed class RunOutput : IDisposable
{
    private readonly RunDirectory? staged;

    private RunOutput(RunDirectory? staged, string target, string folder)
    {
        this.staged = staged;
        Target = target;
        Folder = folder;
    }

    /// <summary>The final folder.</summary>
    public string Target { get; }

    /// <summary>Where files are written now (the staging folder until <see cref="Finish{TResult}"/>, or the target itself).</summary>
    public string Folder { get; }

    /// <summary>Full path of the report in the final folder.</summary>
    public string Index => Path.Combine(Target, "index.html");

    /// <summary>A staged run into <paramref name="target"/>, which must not exist or be empty; nothing is left behind on failure.</summary>
    public static RunOutput Create(string target)
    {
        var run = RunDirectory.Create(target);
        return new RunOutput(run, run.Target, run.Staging);
    }

    /// <summary>A run written directly into <paramref name="folder"/> (created when missing), e.g. a resumable sweep's own folder.</summary>
    public static RunOutput InPlace(string folder)
    {
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        return new RunOutput(null, full, full);
    }

    /// <summary>Path of a file of the run (in <see cref="Folder"/>).</summary>
    public string File(string name) => Path.Combine(Folder, name);

    /// <summary>Writes <paramref name="value"/> as indented JSON (<see cref="RunManifest.JsonOptions"/>).</summary>
    public void Json<T>(string name, T value) => System.IO.File.WriteAllText(File(name), JsonSerializer.Serialize(value, RunManifest.JsonOptions));

    /// <summary>
    /// Writes the tail of a run: the writer's data files and figures, <c>manifest.json</c> (its "total" timing taken from
    /// <paramref name="clock"/> when given) and <c>index.html</c> (title, command line, the writer's section); then moves a staged
    /// folder into place. Returns what the terminal shows.
    /// </summary>
    /// <remarks>
    /// A run on an imported (ONNX) model — one built while a <see cref="ModelClockLog"/> is open, as the CLI opens one per
    /// invocation — also gets its time-mapping error: <c>modelClocks</c> in manifest.json, a section of the report
    /// (<see cref="ModelClockSection"/>) and a summary row.
    /// </remarks>
    public RunSummary Finish<TResult>(IReportWriter<TResult> writer, TResult result, RunManifest manifest, Stopwatch? clock = null)
    {
        writer.WriteData(result, this);
        var figures = writer.WriteFigures(result, this);
        var rows = writer.SummaryRows(result);
        if (manifest.ModelClocks is null && ModelClockLog.Current?.Summaries() is { Count: > 0 } clocks) manifest = manifest with { ModelClocks = clocks };
        if (manifest.ModelClocks is { Count: > 0 } used) rows = [.. rows, .. used.Select(u => ("model clock: largest |Δt|", ModelClockSummary(u)))];
        if (clock is not null) manifest.TimingsSeconds["total"] = clock.Elapsed.TotalSeconds;
        manifest.Write(File("manifest.json"));
        var report = new HtmlReport(writer.ReportTitle).Code($"diffdyn {manifest.Command} " + string.Join(' ', manifest.Arguments));
        writer.WriteReport(result, rows, figures, report);
        if (manifest.ModelClocks is { Count: > 0 } models) ModelClockSection(report, models);
        report.Write(File("index.html"));
        staged?.Commit();
        return new RunSummary(writer.SummaryTitle, rows, Index);
    }

    /// <summary>
    /// The report section of an imported model's clock: its range on the OU axis and the mapping error |Δt| = |t_represented − t| over
    /// the times the run asked for (docs/theory.md §9: nearest-step rounding is at most half the local step; interpolation and the
    /// continuous clocks err only where t is clamped to the clock's range).
    /// </summary>
    public static void ModelClockSection(HtmlReport report, IReadOnlyList<ModelClockUse> models)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(models);
        report.Heading("Imported model: its clock on the OU time axis")
            .Paragraph("The model was trained on its own noise levels; each OU time t of this run reached it as the level below, which stands for " +
                       "the OU time t_represented. |Δt| = |t_represented − t| is the time-mapping error: nearest-step rounding (at most half the " +
                       "local step of the table), or clamping where t lies outside the clock's range. Mapping by interpolation " +
                       "removes the rounding inside the range.")
            .Table(["model", "mapping", "clock range (OU t)", "calls", "t asked", "largest |Δt| (at t)", "largest |Δt| inside the range", "mean |Δt|", "largest |Δt|/t", "calls outside the range (clamped)"],
                models.Select(m => (IReadOnlyList<string>)[m.Model, m.Mapping, $"[{m.ClockMin:G4}, {m.ClockMax:G4}]", $"{m.Evaluations}",
                    m.Evaluations == 0 ? "—" : $"[{m.TMin:G4}, {m.TMax:G4}]", m.Evaluations == 0 ? "—" : $"{m.MaxTimeError:G3} (t = {m.WorstTime:G3})", $"{m.MaxInRangeError:G3}",
                    $"{m.MeanTimeError:G3}", $"{m.MaxRelativeError:G3}", $"{m.OutOfRange}"]));
    }

    private static string ModelClockSummary(ModelClockUse m) => m.Evaluations == 0 ? $"{Path.GetFileName(m.Model.Split(':')[0])}: not evaluated"
        : $"{m.MaxTimeError:G3} at t = {m.WorstTime:G3} ({m.Mapping}; {m.MaxInRangeError:G3} inside the clock's range [{m.ClockMin:G3}, {m.ClockMax:G3}], {m.OutOfRange} of {m.Evaluations} calls outside it, clamped)";

    /// <summary>Removes a staged folder that was not finished.</summary>
    public void Dispose() => staged?.Dispose();
}
