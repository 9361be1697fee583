namespace DiffusionDynamics.Reports;

/// <summary>
/// The writer of one analysis: everything a run folder shows about a result — its summary rows (the terminal table and the
/// report's), its data files (JSON, CSV, arrays), its figures and its section of <c>index.html</c>. <see cref="RunOutput.Finish{TResult}"/>
/// calls the members in one fixed order and adds the manifest, so no command repeats that tail.
/// </summary>
/// <typeparam name="TResult">What the analysis returns (or a record bundling it with what the report also shows).</typeparam>
public interface IReportWriter<in TResult>
{
    /// <summary>Title of the summary table, e.g. "diffdyn regimes (times in OU t)".</summary>
    string SummaryTitle { get; }

    /// <summary>Title of <c>index.html</c>.</summary>
    string ReportTitle { get; }

    /// <summary>The summary rows (quantity, value), shared by the terminal and the report.</summary>
    IReadOnlyList<(string Quantity, string Value)> SummaryRows(TResult result);

    /// <summary>Writes the data files (JSON, CSV, arrays) into <paramref name="output"/>.</summary>
    void WriteData(TResult result, RunOutput output);

    /// <summary>Draws the figures into <paramref name="output"/>; returns them in report order.</summary>
    IReadOnlyList<ReportFigure> WriteFigures(TResult result, RunOutput output);

    /// <summary>Appends the analysis's section (prose, summary, figures, file list) to <paramref name="report"/>, which already holds the title and the command line.</summary>
    void WriteReport(TResult result, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport report);
}

/// <summary>What a finished run shows on the terminal: the summary table and where the report is.</summary>
/// <param name="Title">Title of the summary table.</param>
/// <param name="Rows">Summary rows (quantity, value).</param>
/// <param name="Index">Full path of <c>index.html</c>.</param>
public sealed record RunSummary(string Title, IReadOnlyList<(string Quantity, string Value)> Rows, string Index);
