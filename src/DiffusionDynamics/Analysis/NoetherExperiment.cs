using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>What the reverse-drift paths run on: a denoiser and its training set (only for <see cref="NoetherDrift.Reverse"/>).</summary>
/// <param name="Denoiser">The score (exact empirical, trained …); not disposed here.</param>
/// <param name="Data">The training set whose first points are the targets.</param>
/// <param name="DenoiserName">How the report names it.</param>
public sealed record NoetherInputs(IDenoiser? Denoiser = null, Dataset? Data = null, string? DenoiserName = null);

/// <summary>
/// Least-action paths and their conserved quantities (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.6): the OU and constant drifts
/// with their closed forms (and the drift–diffusion Monte Carlo), the reverse drift of ring data with the family of paths to several end
/// angles and the probability-flow path, and the reverse drift of any denoiser with the paths to a few training points.
/// </summary>
public static class NoetherExperiment
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Runs the paths of <paramref name="options"/>.</summary>
    public static NoetherResult Run(NoetherInputs inputs, NoetherOptions options, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        return options.Drift switch
        {
            NoetherDrift.OrnsteinUhlenbeck or NoetherDrift.Constant => RunFixed(options, progress, cancellationToken, clock),
            NoetherDrift.Ring => RunRing(options, progress, cancellationToken, clock),
            _ => RunReverse(inputs, options, progress, cancellationToken, clock),
        };
    }

    private static string Point(double[] x) => "(" + string.Join(", ", x.Select(v => v.ToString("G4", Inv))) + ")";

    private static NoetherPath Solve(IPathDrift drift, Func<double, double> diffusion, bool constantD, double[] from, double[] to, double duration,
        NoetherOptions o, string label, CancellationToken ct, double? angle = null, int? target = null)
    {
        var sol = LeastActionPath.Minimize(drift, diffusion, from, to, duration, o.Steps, o.MaxIterations, o.GradientTolerance, cancellationToken: ct);
        return new NoetherPath(label, sol.Action, sol.Times, drift.Dimension <= 8 ? sol.Path : [], NoetherCharges.Of(sol, drift, constantD),
            sol.EulerLagrangeResidual, sol.GradientNorm, sol.Iterations, sol.Converged, angle, target);
    }

    private static NoetherResult RunFixed(NoetherOptions o, IProgress<AnalysisProgress>? progress, CancellationToken ct, Stopwatch clock)
    {
        var from = o.From!;
        int d = from.Length;
        IPathDrift drift = o.Drift == NoetherDrift.OrnsteinUhlenbeck ? new LinearDrift(d) : new ConstantDrift(o.Velocity ?? new double[d]);
        Func<double, double> diffusion = s => o.D * (1 + o.DiffusionGrowth * s);
        bool constantD = o.DiffusionGrowth == 0;
        var paths = new List<NoetherPath>();
        for (int i = 0; i < o.To!.Length; i++)
        {
            progress?.Report(new AnalysisProgress("least-action paths", i, o.To.Length));
            paths.Add(Solve(drift, diffusion, constantD, from, o.To[i], o.T, o, $"{Point(from)} → {Point(o.To[i])}", ct));
        }
        progress?.Report(new AnalysisProgress("least-action paths", o.To.Length, o.To.Length));
        ClosedFormCheck? closed = null;
        var first = paths[0];
        double h = o.T / o.Steps;
        if (constantD && o.Drift == NoetherDrift.OrnsteinUhlenbeck)
        {
            double err = first.Times.Select((s, k) => Distance(first.Path[k], LeastActionClosedForms.OuPath(from, o.To[0], o.T, s))).Max();
            var a = LeastActionClosedForms.OuCoefficient(from, o.To[0], o.T);
            closed = new ClosedFormCheck(LeastActionClosedForms.OuAction(from, o.To[0], o.T, o.D), err, LeastActionClosedForms.OuEnergy(from, o.To[0], o.T, o.D),
                OuPathTolerance(a, from, o.T, h));
        }
        else if (o.Drift == NoetherDrift.Constant)
        {
            double err = first.Times.Select((s, k) => Distance(first.Path[k], from.Select((x, c) => x + (o.To[0][c] - x) * s / o.T).ToArray())).Max();
            closed = new ClosedFormCheck(constantD ? LeastActionClosedForms.ConstantDriftAction(from, o.To[0], o.Velocity ?? new double[d], o.T, o.D) : double.NaN,
                err, null, null);
        }
        MonteCarloCheck? mc = o.Bounds is null ? null : DriftDiffusionMonteCarlo(o, progress, ct);
        string diffusionText = constantD ? $"D = {o.D.ToString("G4", Inv)}" : string.Create(Inv, $"D(s) = {o.D:G4}(1 + {o.DiffusionGrowth:G4} s)");
        return new NoetherResult("path time s of the SDE dx = f ds + sqrt(2D) dW", drift.Name, o.Drift, d, o.T, diffusionText, o.Steps, paths, closed, mc, null, null,
            clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Bound on max_k |x_k − x(s_k)| for the OU path (docs/theory.md §8.4): the discrete Euler–Lagrange recurrence is the trapezoid
    /// (Crank–Nicolson) rule for ṗ = p, whose amplification (1 + h/2)/(1 − h/2) = e^{h}(1 + h³/12 + …) errs by T h²/12 in the exponent
    /// over [0, T]; on x(s) = A sinh s + x₀e^{−s} that is at most (T h²/12)(|A| cosh T + |x₀|), doubled for the boundary terms.
    /// </summary>
    public static double OuPathTolerance(double[] a, double[] x0, double T, double h) =>
        2 * T * h * h / 12 * (Math.Sqrt(a.Sum(c => c * c)) * Math.Cosh(T) + Math.Sqrt(x0.Sum(c => c * c)));

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Select((v, i) => (v - b[i]) * (v - b[i])).Sum());

    /// <summary>
    /// Monte Carlo of dx = v ds + √(2D) dW on (lo, hi) with absorbing bounds, from x₀, kept when it survives and |x(T) − x_T| &lt; δ
    /// (docs/theory.md §8.5). Euler–Maruyama is exact in law at the grid times for a constant drift; path k is stream (seed, k).
    /// </summary>
    public static MonteCarloCheck DriftDiffusionMonteCarlo(NoetherOptions o, IProgress<AnalysisProgress>? progress = null, CancellationToken ct = default)
    {
        int k = o.Steps, n = o.MonteCarloPaths;
        double h = o.T / k, v = o.Velocity?[0] ?? 0, x0 = o.From![0], xT = o.To![0][0], lo = o.Bounds![0], hi = o.Bounds[1];
        var sum = new double[k + 1];
        var sum2 = new double[k + 1];
        var path = new double[k + 1];
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            if ((i & 4095) == 0) { ct.ThrowIfCancellationRequested(); progress?.Report(new AnalysisProgress("drift–diffusion Monte Carlo", i, n)); }
            var rng = Xoshiro.ForStream(o.Seed, i);
            double x = x0;
            path[0] = x;
            bool alive = true;
            for (int j = 1; j <= k && alive; j++)
            {
                double dd = o.D * (1 + o.DiffusionGrowth * (j - 0.5) * h);
                x += v * h + Math.Sqrt(2 * dd * h) * rng.NextGaussian();
                path[j] = x;
                alive = x > lo && x < hi;
            }
            if (!alive || Math.Abs(x - xT) >= o.EndWindow) continue;
            kept++;
            for (int j = 0; j <= k; j++) { sum[j] += path[j]; sum2[j] += path[j] * path[j]; }
        }
        progress?.Report(new AnalysisProgress("drift–diffusion Monte Carlo", n, n));
        var times = Enumerable.Range(0, k + 1).Select(j => j * h).ToArray();
        var mean = sum.Select(s => kept > 0 ? s / kept : double.NaN).ToArray();
        var se = sum2.Select((s, j) => kept > 1 ? Math.Sqrt(Math.Max(0, (s - kept * mean[j] * mean[j]) / (kept - 1)) / kept) : double.NaN).ToArray();
        var line = times.Select(s => x0 + (xT - x0) * s / o.T).ToArray();
        double worst = 0, tol = 0;
        bool within = kept > 1;
        for (int j = 1; j < k; j++)
        {
            double dev = Math.Abs(mean[j] - line[j]), bound = 4 * se[j] + o.EndWindow * times[j] / o.T;
            worst = Math.Max(worst, dev / se[j]);
            tol = Math.Max(tol, bound);
            within &= dev <= bound;
        }
        return new MonteCarloCheck(n, kept, times, mean, se, line, worst, tol, within);
    }

    private static NoetherResult RunRing(NoetherOptions o, IProgress<AnalysisProgress>? progress, CancellationToken ct, Stopwatch clock)
    {
        var ring = new RingScore(o.RingRadius, o.RingWidth);
        var drift = new RingReverseDrift(ring, o.StartTime);
        double duration = o.StartTime - o.EndTime, endRadius = Math.Exp(-o.EndTime) * o.RingRadius;
        var from = o.From ?? [0.8, 0.4];
        var paths = new List<NoetherPath>();
        int total = o.Angles + 1;
        for (int j = 0; j < o.Angles; j++)
        {
            progress?.Report(new AnalysisProgress("least-action paths", j, total));
            double theta = 2 * Math.PI * j / o.Angles;
            paths.Add(Solve(drift, _ => 1, true, from, [endRadius * Math.Cos(theta), endRadius * Math.Sin(theta)], duration, o,
                string.Create(Inv, $"θ = {theta * 180 / Math.PI:F0}°"), ct, angle: theta));
        }

        // Probability-flow path from the same noise point, by the library's Heun sampler on the ring's exact score.
        var grid = TimeGrid.Uniform(o.StartTime, o.EndTime, o.Steps);
        var recorder = new PathRecorder();
        using (var x0 = tensor(from, [1L, 2], ScalarType.Float64))
        using (TrajectoryRunner.Run(new RingDenoiser(ring), new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, grid, x0, observer: recorder,
                   cancellationToken: ct)) { }
        var flow = recorder.Points;
        double startAngle = Math.Atan2(from[1], from[0]), endAngle = Math.Atan2(flow[^1][1], flow[^1][0]);
        progress?.Report(new AnalysisProgress("least-action paths", o.Angles, total));
        var toFlow = Solve(drift, _ => 1, true, from, [endRadius * Math.Cos(endAngle), endRadius * Math.Sin(endAngle)], duration, o,
            string.Create(Inv, $"θ = {endAngle * 180 / Math.PI:F1}° (probability-flow end)"), ct, angle: endAngle);
        paths.Add(toFlow);
        progress?.Report(new AnalysisProgress("least-action paths", total, total));
        var pf = new FlowPath(recorder.Times.ToArray(), flow.ToArray(), startAngle, endAngle, toFlow.Conserved["angularMomentum"].Mean, toFlow.Action);
        var cheapest = paths.MinBy(p => p.Action)!;
        return new NoetherResult($"OU time t = {o.StartTime.ToString("G4", Inv)} − s (path time s from the noise point)", drift.Name, o.Drift, 2, duration, "D = 1",
            o.Steps, paths, null, null, pf, cheapest.Label, clock.Elapsed.TotalSeconds);
    }

    private static NoetherResult RunReverse(NoetherInputs inputs, NoetherOptions o, IProgress<AnalysisProgress>? progress, CancellationToken ct, Stopwatch clock)
    {
        var denoiser = inputs.Denoiser ?? throw new ArgumentException("The reverse drift needs a denoiser.", nameof(inputs));
        var data = inputs.Data ?? throw new ArgumentException("The reverse drift needs the training set (its points are the targets).", nameof(inputs));
        int d = denoiser.Dimension;
        if (data.Dimension != d) throw new ArgumentException($"The data have d = {data.Dimension}, the denoiser d = {d}.", nameof(inputs));
        if (o.From is not null && o.From.Length != d) throw new ArgumentException($"From has {o.From.Length} coordinates, the data {d}.", nameof(o.From));
        double[] from = o.From ?? NoisePoint(o.Seed, d);
        var drift = new ReverseDenoiserDrift(denoiser, o.StartTime, 2, $"reverse OU drift x + 2∇ln P_t of the {inputs.DenoiserName ?? "denoiser"}");
        double duration = o.StartTime - o.EndTime, decay = Math.Exp(-o.EndTime);
        int targets = Math.Min(o.Targets, data.Count);
        var values = data.ToArray();
        var paths = new List<NoetherPath>();
        for (int mu = 0; mu < targets; mu++)
        {
            progress?.Report(new AnalysisProgress("least-action paths", mu, targets));
            var end = Enumerable.Range(0, d).Select(c => decay * values[mu * d + c]).ToArray();
            paths.Add(Solve(drift, _ => 1, true, from, end, duration, o, $"training point {mu}", ct, target: mu));
        }
        progress?.Report(new AnalysisProgress("least-action paths", targets, targets));
        var cheapest = paths.MinBy(p => p.Action)!;
        return new NoetherResult($"OU time t = {o.StartTime.ToString("G4", Inv)} − s (path time s from the noise point)", drift.Name, o.Drift, d, duration, "D = 1",
            o.Steps, paths, null, null, null, cheapest.Label, clock.Elapsed.TotalSeconds);
    }

    /// <summary>A N(0, I) point from stream (seed, 0).</summary>
    private static double[] NoisePoint(long seed, int d)
    {
        var x = new double[d];
        Xoshiro.ForStream(seed, 0).FillGaussian(x);
        return x;
    }

    /// <summary>Records the sampler's states (one row) and times.</summary>
    private sealed class PathRecorder : IStepObserver
    {
        public List<double> Times { get; } = [];
        public List<double[]> Points { get; } = [];

        public void OnStep(in StepRecord step)
        {
            Times.Add(step.T);
            Points.Add(step.X[0].to_type(ScalarType.Float64).data<double>().ToArray());
        }
    }
}
