namespace DiffusionDynamics.Reports;

/// <summary>A figure written into a run folder: its file name (PNG), the caption of the report, and whether an SVG twin sits beside it.</summary>
/// <param name="File">File name relative to the run folder.</param>
/// <param name="Caption">Caption shown under the figure in <c>index.html</c>.</param>
/// <param name="HasSvg">True when a <c>.svg</c> of the same name is linked beside the PNG.</param>
public sealed record ReportFigure(string File, string Caption, bool HasSvg = true)
{
    /// <summary>Figures as the figure recipes return them (file, caption), each with an SVG twin.</summary>
    public static IReadOnlyList<ReportFigure> Of(IEnumerable<(string File, string Caption)> figures) =>
        figures.Select(f => new ReportFigure(f.File, f.Caption)).ToList();

    /// <summary>Figures as the figure recipes return them (file, caption, has SVG).</summary>
    public static IReadOnlyList<ReportFigure> Of(IEnumerable<(string File, string Caption, bool HasSvg)> figures) =>
        figures.Select(f => new ReportFigure(f.File, f.Caption, f.HasSvg)).ToList();
}
