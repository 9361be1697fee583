using System.Globalization;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Reports;

/// <summary>Writer of <c>diffdyn entropy</c>: entropy.json, entropy.csv, per-class.csv, the figures and the report (Handke et al., arXiv 2506.10433; docs/theory.md §7.3–7.6).</summary>
public sealed class EntropyWriter : IReportWriter<ClassEntropyResult>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <inheritdoc />
    public string SummaryTitle => "diffdyn entropy (times in OU t, entropies in nats)";

    /// <inheritdoc />
    public string ReportTitle => "diffdyn entropy — when classes are decided along generation";

    private static string F(double? v, string format = "F4") => ReportFormat.Number(v, format);

    /// <inheritdoc />
    public IReadOnlyList<(string Quantity, string Value)> SummaryRows(ClassEntropyResult r)
    {
        var rows = new List<(string, string)>
        {
            ("data", $"{r.Data} (n = {r.Count}, d = {r.Dimension}, K = {r.Classes})"),
            ("sampler / trajectories / steps", $"{r.Sampler} / {r.Samples} / {r.Steps}"),
            ("H(Y) (prior entropy)", F(r.PriorEntropy)),
            ("peak of dH/dt: t / rate", $"{F(r.Peak.T, "F3")} / {F(r.Peak.Rate)}"),
        };
        if (r.Peak.Theory is double tp) rows.Add(("peak of the closed-form rate", F(tp, "F3")));
        rows.Add(("t_S = ½ ln Λ (speciation)", F(r.SpeciationTheory, "F3")));
        rows.Add(("peak of Var H(p(·|x_t)) over trajectories", F(r.VariancePeakT, "F3")));
        var mid = r.Curve[ArgClosest(r, r.SpeciationTheory)];
        rows.Add(($"H at t ≈ t_S ({F(mid.T, "F3")}): exact ± SE", $"{F(mid.H)} ± {F(mid.Stderr)}"));
        if (mid.Theory is double th) rows.Add(("  closed form", F(th)));
        if (mid.Online is double on) rows.Add(("  online Bayes", F(on)));
        if (mid.Immse is double im) rows.Add(("  I-MMSE", F(im)));
        if (r.Curve[0].Theory is not null)
        {
            int outside = r.Curve.Count(c => Math.Abs(c.H - c.Theory!.Value) > 4 * c.Stderr);
            rows.Add(("grid times off the closed form by > 4 SE", $"{outside} of {r.Curve.Count}"));
        }
        if (r.Tracking is { } tr) rows.Add(("online vs exact |Δp|: mean / max / at t_min", $"{F(tr.MeanAbsError)} / {F(tr.MaxAbsError)} / {F(tr.FinalMeanAbsError)}"));
        if (r.Curve[0].Immse is not null) rows.Add(("I-MMSE vs exact: max |ΔH|", F(r.Curve.Max(c => Math.Abs(c.Immse!.Value - c.H)))));
        foreach (var c in r.PerClass.OrderBy(c => c.PeakT).Take(12))
            rows.Add(($"class {c.Name ?? c.Label.ToString(Inv)}: decided at (peak rate)", $"t = {F(c.PeakT, "F3")} ({c.Trajectories} trajectories)"));
        rows.Add(("time", $"{r.Seconds:F1} s"));
        return rows;
    }

    private static int ArgClosest(ClassEntropyResult r, double t)
    {
        int best = 0;
        for (int i = 1; i < r.Curve.Count; i++) if (Math.Abs(r.Curve[i].T - t) < Math.Abs(r.Curve[best].T - t)) best = i;
        return best;
    }

    /// <inheritdoc />
    public void WriteData(ClassEntropyResult r, RunOutput output)
    {
        output.Json("entropy.json", r);
        Csv.WriteTable(output.File("entropy.csv"), ["t", "H", "stderr", "rate", "rateStderr", "theory", "online", "immse", "ratePerLogSnr", "pathwiseVariance"],
            r.Curve.Select((c, k) => new[] { c.T, c.H, c.Stderr, c.Rate, c.RateStderr, c.Theory ?? double.NaN, c.Online ?? double.NaN, c.Immse ?? double.NaN,
                r.Extras.RatePerLogSnr[k], r.Extras.PathwiseVariance[k] }));
        Csv.WriteTable(output.File("per-class.csv"), ["t", .. r.PerClass.SelectMany(c => new[] { $"H_{c.Label}", $"rate_{c.Label}" })],
            r.Curve.Select((c, k) => new[] { c.T }.Concat(r.PerClass.SelectMany(p => new[] { p.H[k], p.Rate[k] })).ToArray()));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(ClassEntropyResult r, RunOutput output) => ReportFigure.Of(EntropyFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(ClassEntropyResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph("When is the class of a sample decided? The conditional entropy H(Y | X_t) of the class given the noisy state, along the backward " +
                       "dynamics (Handke, Koulischer, Raya & Ambrogioni, arXiv 2506.10433), from the exact posterior p(y | x_t) ∝ π_y P_t(x | y) of class-conditional " +
                       "exact scores, from an online Bayes classifier that multiplies the sampler's own Gaussian transition kernels under D_y and D along each chain " +
                       "(Koulischer et al., arXiv 2410.14398), and from the I-MMSE integral I(Y; X_t) = ½ ∫ E‖ε̂(x, y) − ε̂(x)‖² d ln SNR on forward-noised data. " +
                       "The rate dH/dt is the information produced per unit of generation time; its peak is compared with the speciation time t_S = ½ ln Λ " +
                       "(Biroli et al. 2024, arXiv 2402.18491). OU time t: x(t) = e^{-t} a + sqrt(1 − e^{-2t}) z.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("entropy.json", "the result record: curve {t, H, stderr, rate, rateStderr, theory, online, immse}, peak, perClass, speciationTheory, extras"),
            ("entropy.csv", "per grid time: the curve, rate per e-fold of SNR, variance of the pathwise entropy"),
            ("per-class.csv", "per grid time: H and dH/dt of the trajectories ending in each class"),
            ("manifest.json", "command line, options, seed, timings"),
        ]);
    }
}
