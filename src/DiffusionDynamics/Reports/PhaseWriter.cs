using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn phase</c>: phase.json, phase.csv, the figures and the report (Biroli et al. 2024, docs/theory.md §4.8).</summary>
public sealed class PhaseWriter : IReportWriter<PhaseResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn phase (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn phase — speciation and collapse over (d, n)";

    private static string F(double? v) => ReportFormat.Number(v, "F3");

    private static string PlusMinus(double? v, double? e) => v is null ? "—" : $"{F(v)} ± {F(e)}";

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(PhaseResult r) => r.Points.Select(p => ($"d = {p.D}, n = {p.N}",
        $"t_C theory {F(p.CollapseTheory)}, entropy zero {PlusMinus(p.CollapseEntropy, p.CollapseEntropyStderr)}, last change {PlusMinus(p.LastChangeMean, p.LastChangeStderr)}" +
        (r.Family == PhaseFamily.TwoCluster ? $"; t_S theory {F(p.SpeciationTheory)}, cloning {PlusMinus(p.SpeciationMeasured, p.SpeciationStderr)}" : "") +
        $"; memorized {p.MemorizedFraction.ToString("P0", Inv)}")).ToList();

    /// <inheritdoc />
    public void WriteData(PhaseResult r, RunOutput output)
    {
        output.Json("phase.json", r);
        Csv.WriteTable(output.File("phase.csv"),
            ["index", "d", "n", "alpha", "speciationTheory", "speciationMeasured", "speciationStderr", "collapseTheory", "collapseEntropy", "collapseEntropyStderr",
             "lastChangeMean", "lastChangeStderr", "memorizedFraction"],
            r.Points.Select(p => new[] { p.Index, p.D, p.N, p.Alpha, p.SpeciationTheory, p.SpeciationMeasured ?? double.NaN, p.SpeciationStderr ?? double.NaN,
                p.CollapseTheory, p.CollapseEntropy ?? double.NaN, p.CollapseEntropyStderr ?? double.NaN, p.LastChangeMean, p.LastChangeStderr, p.MemorizedFraction }));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(PhaseResult r, RunOutput output) => ReportFigure.Of(PhaseFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(PhaseResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph($"The curse of dimensionality of memorization as a measured figure (Biroli et al. 2024, arXiv 2402.18491): for {OptionTokens.Of(r.Family)} data on a grid of " +
                       $"dimensions d = {string.Join(", ", r.Dimensions)} and training-set sizes n = {string.Join(", ", r.Sizes)}, each point draws its own training set " +
                       "and measures, on the backward dynamics of the exact empirical score, the collapse time t_C (zero of the leave-one-out excess entropy, and the " +
                       "last change of the nearest training point) and, for two-cluster data, the speciation time t_S by cloning — beside the closed forms " +
                       "t_S = ½ ln Λ and t_C(n, d) (½ ln(1 + 1/(n^{2/d} − 1)) for isotropic Gaussian data). Collapse at a fixed t_C needs n ∼ e^{c·d}. Times are OU times t.")
            .Heading("Summary")
            .Table(["point", "result"], rows.Select(x => (IReadOnlyList<string>)new[] { x.Quantity, x.Value }));
        html.Figures(figures);
        html.Heading("Files").Links([("phase.json", "all numbers"), ("phase.csv", "one row per (d, n)"), ("manifest.json", "command, options, timings")]);
    }
}
