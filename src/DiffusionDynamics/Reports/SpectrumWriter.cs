using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn spectrum</c>: spectrum.json, spectrum.csv, the figures and the report (Achilli et al. 2024, docs/theory.md §6).</summary>
public sealed class SpectrumWriter : IReportWriter<SpectrumResult>
{
    /// <inheritdoc />
    public string SummaryTitle => "diffdyn spectrum (times in OU t)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn spectrum — Jacobian spectra and the loss of dimensions";

    private static string F(double? v, string format = "G3") => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(SpectrumResult r)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.DataName} (d = {r.D})"),
            ("points / times", $"{r.Options.PointKind.ToString().ToLowerInvariant()} / {r.Options.Times} in [{F(r.Options.TMin)}, {F(r.Options.TMax)}]"),
            ("gap rule", $"tangent ⇔ ν = Δ_t σ_k(J_s) < τ = {F(r.Options.SpectrumOptions.GapThreshold)}"),
        };
        foreach (var s in r.Sizes)
        {
            var peak = s.Curve.MaxBy(c => c.TangentDimension)!;
            rows.Add(($"N = {s.N}: max tangent dimension", $"{peak.TangentDimension:F2} at t = {F(peak.T)}" + (peak.PredictedTangentDimension is int p ? $" (theory there: {p})" : "")));
            if (s.CollapseTime is not null)
                rows.Add(($"N = {s.N}: whole-point collapse t_C", $"{F(s.CollapseTime)} (ln N = ½ Σ ln(1 + s_i²/σ²), {(r.Stds is null ? "Gaussian with the data's spectrum" : "the manifold's stds")})"));
            if (s.Losses is null) continue;
            foreach (var l in s.Losses)
                rows.Add(($"N = {s.N}: std {F(l.Std)} ×{l.Count} loss, onset | lost", $"measured {F(l.MeasuredOnsetTime)} | {F(l.MeasuredLossTime)}  ·  theory t_loss = {F(l.TheoryLossTime)} | t_C = {F(s.CollapseTime)}"));
        }
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    /// <inheritdoc />
    public void WriteData(SpectrumResult r, RunOutput output)
    {
        output.Json("spectrum.json", r);
        int groups = r.Sizes.FirstOrDefault(s => s.Losses is not null)?.Losses!.Count ?? 0;
        var header = new List<string> { "N", "t", "noiseVariance", "tangentDimension", "tangentStderr", "predictedTangentDimension" };
        for (int g = 0; g < groups; g++) header.Add($"nuSubspace{g}");
        for (int k = 0; k < r.Sizes[0].Curve[0].MeanSpectrum.Length; k++) header.Add($"nu{k + 1}");
        Csv.WriteTable(output.File("spectrum.csv"), header.ToArray(), r.Sizes.SelectMany(s => s.Curve.Select(c =>
        {
            var row = new List<double> { s.N, c.T, c.NoiseVariance, c.TangentDimension, c.TangentStderr, c.PredictedTangentDimension ?? double.NaN };
            for (int g = 0; g < groups; g++) row.Add(c.SubspaceValues?[g] ?? double.NaN);
            row.AddRange(c.MeanSpectrum);
            return row.ToArray();
        })));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(SpectrumResult r, RunOutput output) => ReportFigure.Of(SpectrumFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(SpectrumResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.DataName} (d = {r.D}; N = {string.Join(", ", r.Sizes.Select(s => s.N))})",
            string.Join("; ", r.Sizes.Select(s => s.Score).Distinct()), clock: r.Clock));
        html.Paragraph("The Jacobian of the score J_s = ∂∇ln P_t at chosen points, normalized as ν_k = Δ_t σ_k(J_s) so that pure noise gives 1 and directions along " +
                       "which the learned density still spreads give ≈ 0 (for the empirical score −Δ_t J_s = I − e^{-2t} Cov_w(a)/Δ_t, the posterior-weighted covariance). " +
                       "The tangent dimension is the count of ν_k below τ. Linear-manifold theory (Achilli et al. 2024, arXiv 2410.08727): a direction of std s is lost when the " +
                       "VE noise variance σ² = e^{2t} − 1 falls below s²/(2 ln N), i.e. for OU t < t_loss = ½ ln(1 + s²/(2 ln N)); it is resolved above the noise while σ² < s². " +
                       "At finite d the posterior also condenses on one training point at the collapse time t_C of the whole spectrum, the root of " +
                       "ln N = ½ Σ_i ln(1 + s_i²/σ²) (Biroli et al. 2024), which removes every remaining direction; the predicted tangent dimension counts the " +
                       "directions with max(t_loss, t_C) < t < ½ ln(1 + s²). Measured per subspace: the onset (the t of smallest ν, below which memorization " +
                       "pushes ν back up), compared with t_loss, and the t where ν climbs back through τ (the loss is complete), compared with t_C. " +
                       "All times are OU times t: x(t) = e^{-t} a + sqrt(1 - e^{-2t}) z.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("spectrum.json", "every number of this page (OU times)"),
            ("spectrum.csv", "per size and t: tangent dimension, prediction, ν per subspace, mean sorted spectrum"),
            ("manifest.json", "command, options, seeds, version, runtime, timings"),
        ]);
    }
}
