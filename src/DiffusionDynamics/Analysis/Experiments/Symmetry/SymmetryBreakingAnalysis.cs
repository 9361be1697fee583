using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Spontaneous symmetry breaking in the backward dynamics (Raya &amp; Ambrogioni 2023, arXiv 2305.19693; the linear
/// regime of Biroli et al. 2024, arXiv 2402.18491) for any denoiser. With the drift f(x, t) = x + c∇ln P_t(x)
/// (c = 2 SDE, c = 1 PF-ODE) and the centre c(t) = e^{−t}ā of the centred data (or the origin):
/// <list type="number">
/// <item>x*(t): the central fixed point f(x*, t) = 0, tracked by Newton continuation from the largest t, starting at
/// c(t) (dense: in ℝ^d; projected: in c(t) + span(U));</item>
/// <item>the eigenvalues of ∂f = I + c ∂∇ln P_t at x*(t) (closed-form or finite-difference Jacobian, <see cref="ScoreJacobian"/>);</item>
/// <item>the critical time: where the largest eigenvalue crosses 0, bracketed on the grid and refined by bisection in t;</item>
/// <item>the fixed points on each line x*(t) + q u_k (u_k the top principal directions): roots of
/// g(q) = u_k·f(x* + q u_k, t) on a bracket grid, refined by bisection, with their stability sign g′(q) &lt; 0.</item>
/// </list>
/// Every fixed point satisfies y = cθ D_c(y)/(c − Δ_t) (Tweedie), which bounds the q range searched:
/// |u_k·y| ≤ cθ/(c − Δ_t) · max_μ |u_k·(a^μ − ā)| for the exact empirical score (a wider margin for other denoisers).
/// </summary>
public static class SymmetryBreakingAnalysis
{
    /// <summary>
    /// Most Illinois (modified regula falsi) iterations per root; each stops once |g| ≤ 1e−13(1 + |q|) or the bracket is
    /// below 1e−12 of the grid spacing (typically after 6–10 iterations for a simple root).
    /// </summary>
    private const int RootIterations = 60;

    /// <summary>
    /// Runs the analysis of <paramref name="denoiser"/> (any <see cref="IDenoiser"/>) on the data it describes.
    /// Range: n ≥ 2, data dimension = denoiser dimension.
    /// </summary>
    /// <param name="denoiser">The score source (exact empirical, Gaussian, two-cluster, trained network…).</param>
    /// <param name="data">The data: mean, principal directions and extents.</param>
    /// <param name="options">Options (validated).</param>
    /// <param name="model">The closed-form two-cluster / two-point model the data follow, if any (for the closed-form critical time).</param>
    /// <param name="scoreName">How the score is described in the result.</param>
    /// <param name="progress">Stage progress.</param>
    public static SymmetryResult Run(IDenoiser denoiser, Dataset data, SymmetryBreakingOptions? options = null,
        TwoClusterModel? model = null, string scoreName = "exact empirical score", IProgress<AnalysisProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new SymmetryBreakingOptions();
        options.Validate();
        if (data.Dimension != denoiser.Dimension)
            throw new ArgumentException($"The data have d = {data.Dimension}, the denoiser d = {denoiser.Dimension}.", nameof(data));
        if (data.Count < 2) throw new ArgumentException($"The analysis needs n ≥ 2 points for the principal directions (got n = {data.Count}).", nameof(data));
        if (model is not null && (!(model.MeanNormSq > 0) || !(model.Sigma >= 0)))
            throw new ArgumentException($"Model needs |m|² > 0 and σ ≥ 0 (got {model.MeanNormSq}, {model.Sigma}).", nameof(model));
        Backend.TorchRuntime.EnsureInitialized();
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();

        int d = data.Dimension;
        var a = data.ToTensor(ScalarType.Float64);
        var mean = options.Centre == CentreChoice.DataMean ? a.mean([0]) : torch.zeros(d, dtype: ScalarType.Float64);
        // Principal directions: the first k carry the branches; all kU span the projected Jacobian.
        int maxK = Math.Min(d, data.Count - 1);
        int k = Math.Min(options.Directions, maxK);
        int kU = Math.Min(Math.Max(options.Directions, options.Eigenvalues), maxK);
        var spectrum = CovarianceSpectrum.Top(a, kU);
        var u = torch.tensor(spectrum.Eigenvectors.SelectMany(v => v).ToArray(), [kU, d], dtype: ScalarType.Float64).t().contiguous(); // U: [d, kU]
        var extents = (a - mean).mm(u).abs().amax([0]).data<double>().Take(k).ToArray();
        double lambdaMax = spectrum.Largest;
        double? speciation = lambdaMax > 1 ? SpeciationTime.FromLargestEigenvalue(lambdaMax) : null;
        double tMax = options.TMax ?? Math.Max(1.5, 2 * (speciation ?? 0));
        if (tMax <= options.TMin) throw new ArgumentException($"TMax = {tMax} must exceed TMin = {options.TMin}.", nameof(options));

        var method = options.Method switch
        {
            JacobianMethod.Auto => ScoreJacobian.HasClosedForm(denoiser) && d <= options.DenseMaxDimension ? JacobianMethod.Dense : JacobianMethod.Projected,
            var m => m,
        };
        var problem = new Problem(denoiser, options, method, mean, u, ScoreCoefficient: SymmetryBreaking.ScoreCoefficient(options.Drift));

        // Grid, descending in t: the continuation starts where the centre is the only fixed point.
        int count = options.Times;
        var times = Enumerable.Range(0, count).Select(i => tMax - (tMax - options.TMin) * i / (count - 1)).ToArray();

        // 1–2. Central fixed point and spectrum, by continuation.
        var centre = new List<CentrePoint>(count);
        var ys = new List<Tensor>(count);
        var y = torch.zeros(d, dtype: ScalarType.Float64);
        for (int i = 0; i < count; i++)
        {
            using var step = NewDisposeScope();
            var (yi, point) = problem.Solve(times[i], y);
            y = yi.MoveToOuterDisposeScope();
            ys.Add(y);
            centre.Add(point);
            progress?.Report(new AnalysisProgress("centre fixed point and spectrum", i + 1, count));
        }

        // 3. Critical time: first crossing of the largest eigenvalue from < 0 (large t) to ≥ 0.
        double? critical = null;
        string? note = null;
        var top = centre.Select(c => c.Eigenvalues[0]).ToArray();
        int cross = -1;
        for (int i = 0; i + 1 < count; i++)
            if (top[i] < 0 && top[i + 1] >= 0) { cross = i; break; }
        if (cross >= 0)
        {
            double tHi = times[cross], tLo = times[cross + 1];
            if (options.RefineCrossing)
            {
                var yHi = ys[cross];
                int steps = 0, total = (int)Math.Ceiling(Math.Log2((tHi - tLo) / (1e-7 * Math.Max(1, tLo)))) + 1;
                while (tHi - tLo > 1e-7 * Math.Max(1, tLo) && steps < 60)
                {
                    using var step = NewDisposeScope();
                    double mid = 0.5 * (tHi + tLo);
                    var (ym, pm) = problem.Solve(mid, yHi);
                    if (pm.Eigenvalues[0] < 0) { tHi = mid; yHi = ym.MoveToOuterDisposeScope(); }
                    else tLo = mid;
                    progress?.Report(new AnalysisProgress("refining the critical time", ++steps, Math.Max(total, steps)));
                }
                critical = 0.5 * (tHi + tLo);
            }
            else
                critical = tHi + (tLo - tHi) * (0 - top[cross]) / (top[cross + 1] - top[cross]);
        }
        else if (top.All(v => v < 0))
            note = $"The centre stays stable on the whole grid t ∈ [{options.TMin:G3}, {tMax:G3}]: no symmetry breaking above t_min.";
        else if (top.All(v => v >= 0))
            note = $"The centre is unstable on the whole grid t ∈ [{options.TMin:G3}, {tMax:G3}]" +
                   (options.Drift == ReverseDrift.ProbabilityFlow ? " (PF-ODE: directions of variance ≥ 1 are unstable at every t)." : ": raise TMax.");
        else
            note = "The largest eigenvalue is positive at the largest t and changes sign on the grid only from + to −.";
        double? atCentre = null;
        var centreTop = centre.Select(c => c.LargestAtCentre).ToArray();
        for (int i = 0; i + 1 < count; i++)
            if (centreTop[i] < 0 && centreTop[i + 1] >= 0)
            {
                atCentre = times[i] + (times[i + 1] - times[i]) * (0 - centreTop[i]) / (centreTop[i + 1] - centreTop[i]);
                break;
            }
        double centreSeconds = clock.Elapsed.TotalSeconds;

        // 4. Branches along each principal direction.
        var branches = new List<BranchPoint>();
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < k; j++)
            {
                using var step = NewDisposeScope();
                branches.AddRange(problem.Roots(times[i], ys[i], j, problem.Range(times[i], extents[j], ys[i], j)));
                progress?.Report(new AnalysisProgress("fixed-point branches", i * k + j + 1, (long)count * k));
            }
        }

        // Potentials along u₁ at a few times (around the critical time when there is one).
        var potentials = new List<PotentialCurve>();
        if (options.PotentialTimes > 0)
        {
            var chosen = PotentialIndices(times, critical, options.PotentialTimes);
            double range = chosen.Max(i => problem.Range(times[i], extents[0], ys[i], 0).Half);
            foreach (int i in chosen)
            {
                using var step = NewDisposeScope();
                potentials.Add(problem.Potential(times[i], ys[i], range));
            }
        }
        double branchSeconds = clock.Elapsed.TotalSeconds - centreSeconds;

        double? closed = null;
        if (model is not null)
        {
            double tc = SymmetryBreaking.CriticalTime(options.Drift, model.MeanNormSq, model.Sigma);
            if (double.IsFinite(tc)) closed = tc;
            else
            {
                string why = double.IsPositiveInfinity(tc) ? "t_c = ∞ (the centre is unstable at every t > 0)" : "no finite critical time";
                note = note is null ? $"Closed form ({model.Label}): {why}." : $"{note} Closed form ({model.Label}): {why}.";
            }
        }
        double gaussian = SymmetryBreaking.GaussianCriticalTime(options.Drift, lambdaMax);
        var info = new SymmetryDataInfo(data.Name, data.Count, d, lambdaMax, spectrum.Eigenvalues.Take(k).ToArray(), extents);
        return new SymmetryResult("OU time t", info, scoreName, options.Drift, method, options.Centre, critical, atCentre, closed, speciation,
            double.IsFinite(gaussian) ? gaussian : null, model, note, times, centre, branches, potentials,
            new SymmetryRunInfo(centreSeconds, branchSeconds, clock.Elapsed.TotalSeconds));
    }

    /// <summary>Grid indices for the potential curves: near t_c·{2, 1.2, 0.7, 0.35, …} when t_c exists, else evenly spread.</summary>
    private static int[] PotentialIndices(double[] times, double? critical, int count)
    {
        count = Math.Min(count, times.Length);
        IEnumerable<double> targets = critical is double tc
            ? new[] { 2.0, 1.2, 0.7, 0.35, 1.6, 0.9, 0.5, 0.2, 3.0, 0.1, 1.4, 0.8 }.Take(count).Select(f => f * tc)
            : Enumerable.Range(0, count).Select(i => times[0] + (times[^1] - times[0]) * i / Math.Max(count - 1, 1));
        var chosen = new SortedSet<int>();
        foreach (double target in targets)
        {
            int best = Enumerable.Range(0, times.Length).Where(i => !chosen.Contains(i)).MinBy(i => Math.Abs(times[i] - target));
            chosen.Add(best);
        }
        return chosen.ToArray();
    }

    /// <summary>The drift and its Jacobians in the centred frame y = x − e^{−t} c: f(y) = y + c·s(y + e^{−t} c, t).</summary>
    private sealed record Problem(IDenoiser Denoiser, SymmetryBreakingOptions Options, JacobianMethod Method, Tensor Mean, Tensor U, double ScoreCoefficient)
    {
        private int D => Denoiser.Dimension;

        private Tensor Offset(double t) => Mean * OuTime.Decay(t);

        /// <summary>f(y): [B, d] float64 for y: [B, d].</summary>
        public Tensor Drift(Tensor y, double t) =>
            y + Score.Evaluate(Denoiser, y + Offset(t), t).to_type(ScalarType.Float64) * ScoreCoefficient;

        /// <summary>∂f = I + c J_s at y: dense [d, d] or projected [k, k].</summary>
        private Tensor Jacobian(Tensor y, double t)
        {
            var x = y + Offset(t);
            var js = Method == JacobianMethod.Dense
                ? ScoreJacobian.Dense(Denoiser, x, t, Options.FiniteDifferenceStep)
                : ScoreJacobian.Projected(Denoiser, x, t, U, Options.FiniteDifferenceStep);
            var j = js * ScoreCoefficient;
            j.diagonal().add_(1.0);
            return 0.5 * (j + j.t());
        }

        /// <summary>Newton with backtracking from <paramref name="start"/>; returns x* − c(t) and its spectrum.</summary>
        public (Tensor Y, CentrePoint Point) Solve(double t, Tensor start)
        {
            bool dense = Method == JacobianMethod.Dense;
            // Unknowns: y in ℝ^d (dense) or q in ℝ^k with y = U q (projected, Galerkin residual Uᵀ f).
            var z = dense ? start.clone() : U.t().mv(start);
            Tensor Lift(Tensor v) => dense ? v : U.mv(v);
            Tensor Residual(Tensor v)
            {
                var f = Drift(Lift(v).unsqueeze(0), t).squeeze(0);
                return dense ? f : U.t().mv(f);
            }
            var r = Residual(z);
            double norm = r.norm().item<double>();
            double tol = 1e-13 * Math.Sqrt(D) * (1 + z.norm().item<double>());
            int stalled = 0;
            for (int it = 0; it < Options.NewtonIterations && norm > tol && stalled < 2; it++)
            {
                var j = Jacobian(Lift(z), t);
                var dz = -torch.linalg.lstsq(j, r.unsqueeze(1)).Solution.squeeze(1);
                bool accepted = false;
                // Backtracking (at most 8 halvings); a float32 score stops at its round-off floor, detected as a stall
                // (two steps in a row that reduce |f| by less than 10 %).
                for (double lambda = 1; lambda > 1.0 / 300; lambda *= 0.5)
                {
                    var zNew = z + dz * lambda;
                    var rNew = Residual(zNew);
                    double nNew = rNew.norm().item<double>();
                    if (double.IsFinite(nNew) && nNew < norm)
                    {
                        stalled = nNew > 0.9 * norm ? stalled + 1 : 0;
                        z = zNew; r = rNew; norm = nNew; accepted = true;
                        break;
                    }
                }
                if (!accepted) break;
            }
            var y = Lift(z);
            double atCentre = torch.linalg.eigvalsh(Jacobian(torch.zeros_like(y), t)).max().item<double>();
            var jac = Jacobian(y, t);
            var (values, vectors) = torch.linalg.eigh(jac); // ascending
            long m = values.shape[0];
            int keep = (int)Math.Min(Options.Eigenvalues, m);
            var eig = values.flip(0).narrow(0, 0, keep).data<double>().ToArray();
            double? overlap = dense ? Math.Abs(vectors.select(1, m - 1).dot(U.select(1, 0)).item<double>()) : null;
            double distance = y.norm().item<double>();
            var projections = U.t().mv(y).data<double>().ToArray();
            bool converged = norm <= 1e-6 * (1 + distance) * Math.Sqrt(D);
            return (y, new CentrePoint(t, eig, norm, converged, distance, projections, overlap, atCentre));
        }

        /// <summary>The q interval [Lo, Lo + 2·Half] searched on the line y* + q u_k (see the class summary for the bound).</summary>
        public (double Lo, double Half) Range(double t, double extent, Tensor y, int k)
        {
            double theta = OuTime.Decay(t), delta = OuTime.Delta(t), c = ScoreCoefficient;
            double margin = Denoiser.Has<IPosteriorWeights>() ? 1.05 : 2.5; // D in the convex hull of the data: the bound holds exactly
            double bound = margin * c * theta / (c - delta) * extent + 1e-9;
            double p = U.select(1, k).dot(y).item<double>();
            return (-bound - p, bound);
        }

        /// <summary>g(q) = u_k·f(y + q u_k): [Q] for q: [Q].</summary>
        private Tensor Along(double t, Tensor y, int k, Tensor q)
        {
            var uk = U.select(1, k);
            var points = y.unsqueeze(0) + q.unsqueeze(1) * uk.unsqueeze(0);
            return Drift(points, t).mv(uk);
        }

        /// <summary>Sign changes of g on an even grid, refined by simultaneous Illinois iterations; stability from g′ by central differences.</summary>
        public IEnumerable<BranchPoint> Roots(double t, Tensor y, int k, (double Lo, double Half) range)
        {
            int count = Options.BracketPoints + Options.BracketPoints % 2;
            double spacing = 2 * range.Half / (count - 1);
            var q = torch.linspace(range.Lo, range.Lo + 2 * range.Half, count, dtype: ScalarType.Float64);
            var g = Along(t, y, k, q).data<double>().ToArray();
            var qs = q.data<double>().ToArray();
            var lo = new List<double>();
            var hi = new List<double>();
            var gLo = new List<double>();
            var gHi = new List<double>();
            for (int i = 0; i + 1 < count; i++)
            {
                if (g[i] == 0 || Math.Sign(g[i]) * Math.Sign(g[i + 1]) < 0)
                {
                    lo.Add(qs[i]); hi.Add(qs[i + 1]); gLo.Add(g[i]); gHi.Add(g[i + 1]);
                }
            }
            if (lo.Count == 0) return [];
            // Illinois (modified regula falsi) on every bracket at once: superlinear, and the bracket always holds the root.
            var l = lo.ToArray();
            var h = hi.ToArray();
            var fl = gLo.ToArray();
            var fh = gHi.ToArray();
            var best = l.Zip(h, (x, z) => 0.5 * (x + z)).ToArray();
            var side = new int[l.Length];
            for (int it = 0; it < RootIterations; it++)
            {
                var m = new double[l.Length];
                for (int r = 0; r < l.Length; r++)
                {
                    double secant = fh[r] == fl[r] ? 0.5 * (l[r] + h[r]) : (l[r] * fh[r] - h[r] * fl[r]) / (fh[r] - fl[r]);
                    m[r] = secant > l[r] && secant < h[r] ? secant : 0.5 * (l[r] + h[r]);
                }
                var gm = Along(t, y, k, torch.tensor(m, dtype: ScalarType.Float64)).data<double>().ToArray();
                bool allDone = true;
                for (int r = 0; r < l.Length; r++)
                {
                    if (fl[r] == 0) { best[r] = l[r]; continue; } // the grid node itself is the root
                    best[r] = m[r];
                    if (gm[r] == 0) { l[r] = h[r] = m[r]; continue; }
                    if (Math.Sign(gm[r]) == Math.Sign(fl[r]))
                    {
                        l[r] = m[r]; fl[r] = gm[r];
                        if (side[r] == -1) fh[r] *= 0.5;
                        side[r] = -1;
                    }
                    else
                    {
                        h[r] = m[r]; fh[r] = gm[r];
                        if (side[r] == 1) fl[r] *= 0.5;
                        side[r] = 1;
                    }
                    if (Math.Abs(gm[r]) > 1e-13 * (1 + Math.Abs(m[r])) && h[r] - l[r] > 1e-12 * spacing) allDone = false;
                }
                if (allDone) break;
            }
            var roots = best;
            double delta = spacing / 4;
            var probes = torch.tensor(roots.Select(r => r + delta).Concat(roots.Select(r => r - delta)).ToArray(), dtype: ScalarType.Float64);
            var gp = Along(t, y, k, probes).data<double>().ToArray();
            var p = U.select(1, k).dot(y).item<double>();
            return roots.Select((r, i) =>
            {
                double slope = (gp[i] - gp[i + roots.Length]) / (2 * delta);
                // Report q as the coordinate u_k·(x − c(t)) of the root, so branches of different times share one axis.
                return new BranchPoint(k, t, r + p, slope < 0, slope);
            }).ToList();
        }

        /// <summary>g(q) and V(q) = −∫₀^q g on q ∈ [−range, range] around the centre c(t) (trapezoid rule, V ≈ 0 at q = 0).</summary>
        public PotentialCurve Potential(double t, Tensor y, double range)
        {
            int count = Options.BracketPoints + Options.BracketPoints % 2;
            var p = U.select(1, 0).dot(y).item<double>();
            var qAbs = Enumerable.Range(0, count).Select(i => -range + 2 * range * i / (count - 1)).ToArray();
            var g = Along(t, y, 0, torch.tensor(qAbs.Select(v => v - p).ToArray(), dtype: ScalarType.Float64)).data<double>().ToArray();
            var v = new double[count];
            for (int i = 1; i < count; i++) v[i] = v[i - 1] - 0.5 * (g[i] + g[i - 1]) * (qAbs[i] - qAbs[i - 1]);
            double zero = 0.5 * (v[count / 2 - 1] + v[count / 2]);
            return new PotentialCurve(t, qAbs, g, v.Select(x => x - zero).ToArray());
        }
    }
}
