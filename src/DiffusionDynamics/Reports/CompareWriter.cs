using System.Globalization;
using System.Text;

namespace DiffusionDynamics.Reports;

/// <summary>Writes a comparison of runs: compare.json, compare.csv, the overlay figures and the report.</summary>
public sealed class CompareWriter : IReportWriter<CompareResult>
{
    public string SummaryTitle => "diffdyn compare (differences from the first run, in its units and in standard errors)";

    public string ReportTitle => "Runs side by side";

    /// <summary>"v ± s", or "v" without a standard error, "—" when missing.</summary>
    public static string Cell(CompareCell cell) =>
        cell.Value is null ? "—" : ReportFormat.Number(cell.Value, "G4") + (cell.StdErr is double s ? " ± " + ReportFormat.Number(s, "G2") : "");

    /// <summary>"Δ = +0.12 (1.3 SE)", or "Δ = +0.12 (no SE)" when the runs carry no standard error, "—" when missing.</summary>
    public static string Difference(CompareDifference d) =>
        d.Delta is not double delta ? "—"
        : "Δ = " + delta.ToString("+0.####;−0.####;0", CultureInfo.InvariantCulture) +
          (d.Z is double z ? $" ({z.ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture)} SE)" : " (no SE)");

    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(CompareResult result)
    {
        var rows = new List<(string, string)>
        {
            ("command", result.Command),
            ("runs", string.Join(", ", result.Runs.Select(r => r.Label))),
        };
        foreach (var row in result.Rows)
            for (int i = 0; i < result.Runs.Count; i++)
                rows.Add(($"{row.Quantity} [{result.Runs[i].Label}]",
                    Cell(row.Values[i]) + (i == 0 || row.Differences[i - 1].Delta is null ? "" : "  " + Difference(row.Differences[i - 1]))));
        rows.Add(("largest |difference| in SE", result.LargestZ is double z ? z.ToString("0.0", CultureInfo.InvariantCulture) : "no standard errors to compare"));
        return rows;
    }

    public void WriteData(CompareResult result, RunOutput output)
    {
        output.Json("compare.json", result);
        var csv = new StringBuilder("quantity,run,value,stderr,delta,delta_stderr,z\n");
        foreach (var row in result.Rows)
            for (int i = 0; i < result.Runs.Count; i++)
            {
                var d = i == 0 ? null : row.Differences[i - 1];
                csv.AppendLine(string.Join(',', Quote(row.Quantity), Quote(result.Runs[i].Label), N(row.Values[i].Value), N(row.Values[i].StdErr),
                    N(d?.Delta), N(d?.StdErr), N(d?.Z)));
            }
        File.WriteAllText(output.File("compare.csv"), csv.ToString());
    }

    public IReadOnlyList<ReportFigure> WriteFigures(CompareResult result, RunOutput output) => CompareFigures.Draw(result, output.Folder);

    public void WriteReport(CompareResult result, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport report)
    {
        report.Paragraph($"{result.Runs.Count} runs of diffdyn {result.Command}, read from their result files. Each headline number is " +
                         $"shown for every run with its standard error where the run's record carries one; for the second run on, Δ is its " +
                         $"difference from the first run ({result.Runs[0].Label}) and, where both carry standard errors, Δ divided by " +
                         "√(s² + s₁²): the difference in standard errors, taking the runs as independent (runs sharing a seed are correlated, " +
                         "and then this overstates the standard error of Δ).");
        report.Heading("Runs").Table(["run", "folder", "result file", "arguments"],
            result.Runs.Select(r => (IReadOnlyList<string>)[r.Label, r.Folder, r.ResultFile, r.Arguments.Count == 0 ? "(defaults)" : string.Join(' ', r.Arguments)]));
        report.Heading("Headline numbers");
        var header = new List<string> { "quantity" };
        header.AddRange(result.Runs.Select(r => r.Label));
        header.AddRange(result.Runs.Skip(1).Select(r => $"{r.Label} − {result.Runs[0].Label}"));
        report.Table(header, result.Rows.Select(row =>
            (IReadOnlyList<string>)[row.Quantity, .. row.Values.Select(Cell), .. row.Differences.Select(Difference)]));
        report.Summary(rows);
        if (figures.Count > 0) report.Figures(figures);
        else report.Paragraph($"diffdyn {result.Command} records no curves to overlay; the table above is the comparison.");
        report.Heading("Files").Links(
        [
            ("compare.json", "the comparison: runs, rows (value, standard error, difference, z per run) and the overlaid curves"),
            ("compare.csv", "one line per quantity and run: value, stderr, delta, delta_stderr, z (empty where missing)"),
            ("manifest.json", "the command line and the run folders compared"),
        ]);
    }

    private static string N(double? v) => v is double x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
