using System.Diagnostics;
using System.Text.Json;

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
    public RunSummary Finish<TResult>(IReportWriter<TResult> writer, TResult result, RunManifest manifest, Stopwatch? clock = null)
    {
        writer.WriteData(result, this);
        var figures = writer.WriteFigures(result, this);
        var rows = writer.SummaryRows(result);
        if (clock is not null) manifest.TimingsSeconds["total"] = clock.Elapsed.TotalSeconds;
        manifest.Write(File("manifest.json"));
        var report = new HtmlReport(writer.ReportTitle).Code($"diffdyn {manifest.Command} " + string.Join(' ', manifest.Arguments));
        writer.WriteReport(result, rows, figures, report);
        report.Write(File("index.html"));
        staged?.Commit();
        return new RunSummary(writer.SummaryTitle, rows, Index);
    }

    /// <summary>Removes a staged folder that was not finished.</summary>
    public void Dispose() => staged?.Dispose();
}
