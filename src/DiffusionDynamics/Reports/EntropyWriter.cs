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
        if (r.SymmetryBreaking is { } sb)
        {
            rows.Add(("symmetry-breaking time (backward SDE drift)", sb.CriticalTime is double tc ? F(tc, "F3") : $"none ({sb.Note})"));
            if (sb.ClosedForm is double cf) rows.Add(("  closed form", F(cf, "F3")));
            if (sb.AtCentre is double ac) rows.Add(("  at the centre c(t) itself", F(ac, "F3")));
        }
        if (r.StateInformation is { } st)
        {
            var at = st.Curve[ArgClosest(r, r.SpeciationTheory)];
            rows.Add(($"dH(X₀|X_t)/dt at t ≈ t_S ({st.Method})", $"{F(at.Rate)} ± {F(at.RateStderr)}" + (at.Theory is double thr ? $" (closed form {F(thr)})" : "")));
            // Under the empirical scores X₀ is uniform on the n training points, so I(X₀; X_t) ≤ H(X₀) = ln n: an integral above it is the
            // grid's quadrature error near the rate's peak, said as such rather than shown as a plain number (continuous class densities have no such bound).
            bool discrete = r.ScoreSource?.StartsWith("per-class empirical", StringComparison.Ordinal) == true;
            double info = st.Curve[^1].Information, bound = discrete ? Math.Log(r.Count) : double.PositiveInfinity;
            rows.Add(("I(X₀; X_t) at t_min (nats)", F(info, "F3") + (st.Curve[^1].TheoryInformation is double ti ? $" (closed form {F(ti, "F3")})"
                : info > bound ? $" (above its bound ln n = {F(bound, "F3")}: quadrature error of the time grid near the rate's peak; a finer grid removes it)" : "")));
            if (st.Curve[0].Theory is not null)
            {
                int off = st.Curve.Count(p => Math.Abs(p.Rate - p.Theory!.Value) > 4 * p.RateStderr + 0.02 * p.Theory.Value);
                rows.Add(("state rate off the closed form by > 4 SE + 2%", $"{off} of {st.Curve.Count}"));
            }
        }
        var mid = r.Curve[ArgClosest(r, r.SpeciationTheory)];
        rows.Add(($"H at t ≈ t_S ({F(mid.T, "F3")}): {r.Estimator} ± SE", $"{F(mid.H)} ± {F(mid.Stderr)}"));
        if (mid.Theory is double th) rows.Add(("  closed form", F(th)));
        if (mid.Online is double on) rows.Add(("  online Bayes", F(on)));
        if (mid.Immse is double im) rows.Add(("  I-MMSE", F(im)));
        if (r.Curve[0].Theory is not null)
        {
            int outside = r.Curve.Count(c => Math.Abs(c.H - c.Theory!.Value) > 4 * c.Stderr);
            rows.Add(("grid times off the closed form by > 4 SE", $"{outside} of {r.Curve.Count}"));
        }
        if (r.Tracking is { } tr) rows.Add(("online vs exact |Δp|: mean / max / at t_min", $"{F(tr.MeanAbsError)} / {F(tr.MaxAbsError)} / {F(tr.FinalMeanAbsError)}"));
        if (r.Curve[0].Immse is not null) rows.Add(($"I-MMSE vs {r.Estimator}: max |ΔH|", F(r.Curve.Max(c => Math.Abs(c.Immse!.Value - c.H)))));
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
        if (r.StateInformation is { } st)
            Csv.WriteTable(output.File("state-information.csv"), ["t", "divergence", "divergenceStderr", "rate", "rateStderr", "theory", "information", "theoryInformation"],
                st.Curve.Select(p => new[] { p.T, p.Divergence, p.DivergenceStderr, p.Rate, p.RateStderr, p.Theory ?? double.NaN, p.Information, p.TheoryInformation ?? double.NaN }));
        Csv.WriteTable(output.File("per-class.csv"), ["t", .. r.PerClass.SelectMany(c => new[] { $"H_{c.Label}", $"rate_{c.Label}" })],
            r.Curve.Select((c, k) => new[] { c.T }.Concat(r.PerClass.SelectMany(p => new[] { p.H[k], p.Rate[k] })).ToArray()));
    }

    /// <inheritdoc />
    public IReadOnlyList<ReportFigure> WriteFigures(ClassEntropyResult r, RunOutput output) => ReportFigure.Of(EntropyFigures.WriteAll(r, output.Folder));

    /// <inheritdoc />
    public void WriteReport(ClassEntropyResult r, IReadOnlyList<(string Quantity, string Value)> rows, IReadOnlyList<ReportFigure> figures, HtmlReport html)
    {
        html.Paragraph(RunDescription.Sentence($"{r.Data} (n = {r.Count}, d = {r.Dimension}, {r.Classes} classes)", r.ScoreSource ?? "class-conditional scores",
            r.Sampler, clock: "OU time t") + $" Class entropy from the {r.Estimator}; {r.Samples} trajectories of {r.Steps} steps.");
        html.Paragraph("When is the class of a sample decided? The conditional entropy H(Y | X_t) of the class given the noisy state, along the backward " +
                       "dynamics (Handke, Koulischer, Raya & Ambrogioni, arXiv 2506.10433), from the exact posterior p(y | x_t) ∝ π_y P_t(x | y) of class-conditional " +
                       "exact scores, from an online Bayes classifier that multiplies the sampler's own Gaussian transition kernels under D_y and D along each chain " +
                       "(Koulischer et al., arXiv 2410.14398), and from the I-MMSE integral I(Y; X_t) = ½ ∫ E‖ε̂(x, y) − ε̂(x)‖² d ln SNR on forward-noised data. " +
                       "The rate dH/dt is the information produced per unit of generation time; its peak is compared with the speciation time t_S = ½ ln Λ " +
                       "(Biroli et al. 2024, arXiv 2402.18491) and with the symmetry-breaking time of the backward drift of the same denoiser (Raya & Ambrogioni, arXiv 2305.19693). " +
                       "Information dynamics (arXiv 2508.19897): the conditional entropy of the state H(X₀ | X_t) grows at the rate d/Δ_t + E ∇·s (the expected divergence " +
                       "of the score, docs/theory.md §7.7), measured along the same trajectories. OU time t: x(t) = e^{-t} a + sqrt(1 − e^{-2t}) z.")
            .Summary(rows);
        html.Figures(figures);
        html.Heading("Files").Links([
            ("entropy.json", "the result record: curve {t, H, stderr, rate, rateStderr, theory, online, immse}, peak, perClass, speciationTheory, extras, " +
                             "stateInformation, symmetryBreaking"),
            ("entropy.csv", "per grid time: the curve, rate per e-fold of SNR, variance of the pathwise entropy"),
            ("per-class.csv", "per grid time: H and dH/dt of the trajectories ending in each class"),
            ("state-information.csv", "per grid time: E ∇·s, the rate dH(X₀ | X_t)/dt = d/Δ_t + E ∇·s, I(X₀; X_t), closed forms (docs/theory.md §7.7)"),
            ("manifest.json", "command line, options, seed, timings"),
        ]);
    }
}
