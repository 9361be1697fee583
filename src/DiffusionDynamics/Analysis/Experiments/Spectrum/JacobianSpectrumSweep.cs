using DiffusionDynamics.Random;
using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Where the Jacobian spectrum is evaluated at each t.</summary>
public enum SpectrumPoints
{
    /// <summary>Noised training points x = e^{−t} a^μ + √Δ_t z (typical points of P_t^e; z fixed per point across t).</summary>
    Data,
    /// <summary>Noised generated samples x = e^{−t} x₀ + √Δ_t z, x₀ from the backward SDE of the same denoiser.</summary>
    Generated,
    /// <summary>The origin x = 0 (one point).</summary>
    Origin,
}

/// <summary>
/// Options of <see cref="JacobianSpectrumSweep"/>. Defaults: 32 points, 32 times log-spaced over [10⁻⁴, 2] (OU t),
/// samples for <see cref="SpectrumPoints.Generated"/> by 200 Euler–Maruyama steps from T = 5.
/// </summary>
/// <param name="Points">Points per t (1 for the origin). Range: ≥ 1.</param>
/// <param name="PointKind">Where the spectrum is evaluated.</param>
/// <param name="TMin">Smallest t. Range: 0 &lt; TMin &lt; TMax.</param>
/// <param name="TMax">Largest t.</param>
/// <param name="Times">Grid size (log-spaced). Range: ≥ 2.</param>
/// <param name="SamplerSteps">Euler–Maruyama steps for generated points. Range: ≥ 1.</param>
/// <param name="SamplerT">Start time of the sampler for generated points. Range: &gt; TMin.</param>
/// <param name="Seed">Run seed: point i uses stream (seed, i).</param>
/// <param name="Spectrum">Solver and gap rule.</param>
public sealed record JacobianSpectrumSweepOptions(int Points = 32, SpectrumPoints PointKind = SpectrumPoints.Data, double TMin = 1e-4, double TMax = 2.0,
    int Times = 32, int SamplerSteps = 200, double SamplerT = 5.0, long Seed = 0, JacobianSpectrumOptions? Spectrum = null)
{
    /// <summary>The spectrum options in effect.</summary>
    public JacobianSpectrumOptions SpectrumOptions => Spectrum ?? new JacobianSpectrumOptions();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (Points < 1) throw new ArgumentException($"Points = {Points} is out of range (≥ 1).", nameof(Points));
        if (!(TMin > 0) || !double.IsFinite(TMin)) throw new ArgumentException($"TMin = {TMin} is out of range (t > 0).", nameof(TMin));
        if (!(TMax > TMin) || !double.IsFinite(TMax)) throw new ArgumentException($"TMax = {TMax} must be finite and > TMin = {TMin}.", nameof(TMax));
        if (Times < 2) throw new ArgumentException($"Times = {Times} is out of range (≥ 2).", nameof(Times));
        if (SamplerSteps < 1) throw new ArgumentException($"SamplerSteps = {SamplerSteps} is out of range (≥ 1).", nameof(SamplerSteps));
        if (!(SamplerT > TMin) || !double.IsFinite(SamplerT)) throw new ArgumentException($"SamplerT = {SamplerT} must be finite and > TMin.", nameof(SamplerT));
        SpectrumOptions.Validate();
    }

    /// <summary>The log-spaced grid of t, descending.</summary>
    public double[] Grid() => Enumerable.Range(0, Times)
        .Select(i => Math.Exp(Math.Log(TMax) + (Math.Log(TMin) - Math.Log(TMax)) * i / (Times - 1))).ToArray();
}


/// <summary>One training-set size of a sweep: its denoiser and (optionally) the linear-manifold ground truth.</summary>
/// <param name="Size">N.</param>
/// <param name="Denoiser">The score source of this training set.</param>
/// <param name="Training">Its training set (for data points).</param>
/// <param name="Label">"empirical score", "trained network", ….</param>
public sealed record SpectrumSubject(int Size, IDenoiser Denoiser, Dataset Training, string Label);

/// <summary>The result of a sweep (times in OU t; ν normalized so that noise gives 1).</summary>
public sealed record SpectrumResult(string Clock, string DataName, int D, double[]? Stds, JacobianSpectrumSweepOptions Options,
    IReadOnlyList<SpectrumSizeResult> Sizes, double Seconds);

/// <summary>
/// One size: curve over t, thresholds and measured loss times per subspace (linear-manifold data only), and the whole-point
/// collapse time t_C: of the manifold's spectrum (<see cref="ManifoldLoss.CollapseTime"/>) for linear-manifold data, else of the
/// Gaussian with the training set's covariance spectrum (<see cref="ExcessEntropy.AnisotropicCollapseTime"/>; null above
/// d = <see cref="CovarianceSpectrum.FullSpectrumMaxDimension"/>).
/// </summary>
public sealed record SpectrumSizeResult(int N, string Score, IReadOnlyList<ManifoldThreshold>? Thresholds, double? CollapseTime, IReadOnlyList<SpectrumTimePoint> Curve,
    IReadOnlyList<SubspaceLoss>? Losses)
{
    /// <summary>Points of <see cref="TheoryTangentCurve"/>: log-spaced over the measured range of t.</summary>
    public const int TheoryPoints = 400;

    /// <summary>
    /// The predicted tangent dimension #{i : max(t_loss,i, t_C) &lt; t &lt; t_vis,i} (<see cref="ManifoldLoss.PredictedTangentDimension"/>) on
    /// <see cref="TheoryPoints"/> log-spaced t spanning the measured grid, for linear-manifold data (null otherwise); the figure's theory steps.
    /// </summary>
    public IReadOnlyList<TheoryPoint>? TheoryTangentCurve { get; init; } = TangentTheory(N, Thresholds, CollapseTime, Curve);

    private static TheoryPoint[]? TangentTheory(int n, IReadOnlyList<ManifoldThreshold>? thresholds, double? collapseTime, IReadOnlyList<SpectrumTimePoint> curve) =>
        thresholds is null ? null : TangentTheory(thresholds.SelectMany(th => Enumerable.Repeat(th.Std, th.Count)).ToArray(), n, collapseTime, curve);

    /// <summary>
    /// The predicted tangent-dimension steps for directions of standard deviations <paramref name="stds"/> (the manifold's, or for other
    /// data the square roots of the training covariance's eigenvalues: the Gaussian with that spectrum) on <see cref="TheoryPoints"/>
    /// log-spaced t over the measured grid; null for an empty curve.
    /// </summary>
    public static TheoryPoint[]? TangentTheory(IReadOnlyList<double> stds, int n, double? collapseTime, IReadOnlyList<SpectrumTimePoint> curve)
    {
        if (curve.Count == 0 || n < 2) return null;
        // The theory is piecewise constant with steps at the t_loss and t_vis of each direction: sample it finely in log t.
        var xs = curve.Select(c => Math.Log10(c.T)).ToArray();
        double lo = xs.Min(), hi = xs.Max();
        double tc = collapseTime ?? ManifoldLoss.CollapseTime(stds, n);
        return Enumerable.Range(0, TheoryPoints).Select(k =>
        {
            double t = Math.Pow(10, lo + (hi - lo) * k / (TheoryPoints - 1));
            return new TheoryPoint(t, ManifoldLoss.PredictedTangentDimension(stds, n, t, tc));
        }).ToArray();
    }
}

/// <summary>
/// One t of one size: the spectrum (sorted descending, averaged over points rank by rank), the tangent dimension
/// (gap rule, mean ± SE over points), the prediction and ν per subspace (mean over its directions and the points).
/// </summary>
public sealed record SpectrumTimePoint(double T, double NoiseVariance, double[] MeanSpectrum, double TangentDimension, double TangentStderr,
    int? PredictedTangentDimension, double[]? SubspaceValues);

/// <summary>
/// Measured and predicted loss of one subspace (OU t). Onset: the t where its ν(t) is smallest (log-parabolic refinement on the grid):
/// below it memorization drives ν back towards 1 — the measurement compared with the per-direction <see cref="ManifoldThreshold.LossTime"/>.
/// Lost: where ν climbs back through τ as t decreases (log-interpolated), compared with the whole-point collapse time
/// <see cref="SpectrumSizeResult.CollapseTime"/>. TangentFrom: where ν first fell below τ.
/// TangentFrom and Lost are null when the subspace never became tangent (ν ≥ τ throughout); Onset is null when the subspace was
/// never resolved at all (ν ≥ 0.9 throughout, <see cref="JacobianSpectrumSweep.ResolvedLevel"/>).
/// </summary>
public sealed record SubspaceLoss(double Std, int Count, double TheoryLossTime, double? MeasuredOnsetTime, double? MeasuredLossTime, double? MeasuredTangentFrom);

/// <summary>
/// Jacobian spectra of the score over a grid of t and several training-set sizes, the measured tangent dimension and
/// its prediction for linear-manifold data (Achilli et al., arXiv 2410.08727; see <see cref="JacobianSpectrum"/>, <see cref="ManifoldLoss"/>).
/// Cost per size: Times × Points spectra (dense: one n·d² covariance each for the empirical score).
/// </summary>
public static class JacobianSpectrumSweep
{
    /// <summary>A subspace whose ν never drops below this level was never resolved above the noise: no onset of loss is reported.</summary>
    public const double ResolvedLevel = 0.9;

    /// <summary>
    /// Runs the sweep. <paramref name="truth"/>: linear-manifold ground truth (its stds and basis give the prediction and the
    /// per-subspace values), or null. <paramref name="dataName"/>: the data the sizes come from (default: the first size's training set).
    /// </summary>
    public static SpectrumResult Run(IReadOnlyList<SpectrumSubject> subjects, JacobianSpectrumSweepOptions options, LinearManifoldData? truth = null,
        IProgress<AnalysisProgress>? progress = null, string? dataName = null)
    {
        ArgumentNullException.ThrowIfNull(subjects);
        ArgumentNullException.ThrowIfNull(options);
        if (subjects.Count == 0) throw new ArgumentException("No training-set sizes given.", nameof(subjects));
        options.Validate();
        int d = subjects[0].Denoiser.Dimension;
        foreach (var s in subjects)
        {
            if (s.Denoiser.Dimension != d) throw new ArgumentException($"Size {s.Size}: denoiser d = {s.Denoiser.Dimension}, expected {d}.", nameof(subjects));
            if (s.Training.Dimension != d) throw new ArgumentException($"Size {s.Size}: training data d = {s.Training.Dimension}, expected {d}.", nameof(subjects));
        }
        if (truth is not null && truth.Spec.D != d) throw new ArgumentException($"Linear-manifold truth has d = {truth.Spec.D}, data d = {d}.", nameof(truth));
        var clock = Stopwatch.StartNew();
        var grid = options.Grid();
        var sizes = new List<SpectrumSizeResult>();
        for (int si = 0; si < subjects.Count; si++)
        {
            var subject = subjects[si];
            var stage = $"N = {subject.Size}";
            progress?.Report(new AnalysisProgress(stage, 0, grid.Length));
            sizes.Add(RunSize(subject, options, grid, truth, done => progress?.Report(new AnalysisProgress(stage, done, grid.Length))));
        }
        return new SpectrumResult("OU time t", dataName ?? subjects[0].Training.Name, d, truth?.Spec.Stds, options, sizes, clock.Elapsed.TotalSeconds);
    }

    private static SpectrumSizeResult RunSize(SpectrumSubject subject, JacobianSpectrumSweepOptions options, double[] grid, LinearManifoldData? truth, Action<long> done)
    {
        int d = subject.Denoiser.Dimension;
        var spectrumOptions = options.SpectrumOptions;
        using var scope = NewDisposeScope();
        var (clean, noise) = BasePoints(subject, options);
        int points = (int)clean.shape[0];
        // Subspaces of the truth: columns of its basis grouped by std (largest first).
        var groups = truth is null ? null : truth.Spec.Stds.Select((s, k) => (s, k)).Where(p => p.s > 0).GroupBy(p => p.s)
            .OrderByDescending(g => g.Key).Select(g => (Std: g.Key, Columns: g.Select(p => (long)p.k).ToArray())).ToList();
        var basis = truth is null ? null : truth.Basis is null ? eye(d, dtype: ScalarType.Float64)
            : tensor(truth.Basis, dtype: ScalarType.Float64).reshape(d, d);
        // Other data: the prediction of the Gaussian with the training set's covariance spectrum (std_i = √λ_i).
        double[]? gaussianStds = truth is null && subject.Size >= 2 && d <= CovarianceSpectrum.FullSpectrumMaxDimension && subject.Training.Count >= 2
            ? TrainingSpectrum(subject.Training).Select(l => Math.Sqrt(Math.Max(l, 0))).ToArray()
            : null;
        double? collapse = subject.Size < 2 ? null
            : truth is not null ? ManifoldLoss.CollapseTime(truth.Spec.Stds, subject.Size)
            : gaussianStds is not null ? ExcessEntropy.AnisotropicCollapseTime(subject.Size, d, gaussianStds.Select(x => x * x).ToArray())
            : null;
        var theoryStds = truth?.Spec.Stds ?? gaussianStds;
        var curve = new List<SpectrumTimePoint>();
        for (int ti = 0; ti < grid.Length; ti++)
        {
            using var step = NewDisposeScope();
            double t = grid[ti];
            var x = clean * OuTime.Decay(t) + noise * Math.Sqrt(OuTime.Delta(t));
            double[]? sum = null;
            var tangent = new double[points];
            var subspace = groups is null ? null : new double[groups.Count];
            for (int p = 0; p < points; p++)
            {
                var point = x[p];
                var spectrum = JacobianSpectrum.Normalized(subject.Denoiser, point, t, spectrumOptions with { Seed = spectrumOptions.Seed + p });
                sum ??= new double[spectrum.Values.Length];
                for (int k = 0; k < sum.Length; k++) sum[k] += spectrum.Values[k] / points;
                tangent[p] = JacobianSpectrum.TangentDimension(spectrum.Values, spectrumOptions.GapThreshold);
                if (groups is not null)
                {
                    var along = JacobianSpectrum.AlongDirections(subject.Denoiser, point, t, basis!);
                    for (int g = 0; g < groups.Count; g++) subspace![g] += groups[g].Columns.Average(c => along[c]) / points;
                }
            }
            double mean = tangent.Average();
            double se = SampleStatistics.StandardError(tangent, mean);
            int? predicted = theoryStds is null || collapse is null ? null : ManifoldLoss.PredictedTangentDimension(theoryStds, subject.Size, t, collapse.Value);
            curve.Add(new SpectrumTimePoint(t, ManifoldLoss.NoiseVariance(t), sum!, mean, se, predicted, subspace));
            done(ti + 1);
        }
        IReadOnlyList<ManifoldThreshold>? thresholds = truth is null || subject.Size < 2 ? null : ManifoldLoss.Thresholds(truth.Spec.Stds, subject.Size);
        List<SubspaceLoss>? losses = null;
        if (groups is not null && thresholds is not null)
        {
            losses = [];
            for (int g = 0; g < groups.Count; g++)
            {
                var ts = curve.Select(c => c.T).ToArray();
                var nu = curve.Select(c => c.SubspaceValues![g]).ToArray();
                var (from, lost) = MeasuredLoss(ts, nu, spectrumOptions.GapThreshold);
                double? onset = nu.Min() < ResolvedLevel ? Onset(ts, nu) : null;
                losses.Add(new SubspaceLoss(groups[g].Std, groups[g].Columns.Length, thresholds[g].LossTime, onset, lost, from));
            }
        }
        var result = new SpectrumSizeResult(subject.Size, subject.Label, thresholds, collapse, curve, losses);
        return gaussianStds is null ? result : result with { TheoryTangentCurve = SpectrumSizeResult.TangentTheory(gaussianStds, subject.Size, collapse, curve) };
    }

    /// <summary>
    /// For ν(t) on a descending grid: the first t where ν falls below τ (the subspace becomes tangent) and the next t below it
    /// where ν climbs back through τ (the subspace is lost), both interpolated linearly in ln t; null when it does not happen.
    /// </summary>
    public static (double? TangentFrom, double? LostAt) MeasuredLoss(IReadOnlyList<double> times, IReadOnlyList<double> values, double threshold)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (times.Count != values.Count) throw new ArgumentException($"{times.Count} times but {values.Count} values.", nameof(values));
        for (int i = 1; i < times.Count; i++)
            if (!(times[i] < times[i - 1]) || !(times[i] > 0)) throw new ArgumentException($"times must be positive and descending (times[{i}] = {times[i]}).", nameof(times));
        double? from = null;
        for (int i = 0; i < times.Count; i++)
        {
            if (from is null)
            {
                if (values[i] < threshold) from = i == 0 ? times[0] : Cross(times, values, i - 1, threshold);
            }
            else if (values[i] >= threshold) return (from, Cross(times, values, i - 1, threshold));
        }
        return (from, null);
    }

    /// <summary>
    /// The t of the smallest value on a descending grid of t, refined by the vertex of the parabola through the minimum and its
    /// two neighbours in ln t (the grid point itself at either end).
    /// </summary>
    public static double Onset(IReadOnlyList<double> times, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(values);
        if (times.Count != values.Count || times.Count == 0) throw new ArgumentException($"{times.Count} times but {values.Count} values (need ≥ 1 of each, equal counts).", nameof(values));
        int i = 0;
        for (int k = 1; k < values.Count; k++) if (values[k] < values[i]) i = k;
        if (i == 0 || i == values.Count - 1) return times[i];
        double x0 = Math.Log(times[i - 1]), x1 = Math.Log(times[i]), x2 = Math.Log(times[i + 1]);
        double y0 = values[i - 1], y1 = values[i], y2 = values[i + 1];
        double den = (x0 - x1) * (x0 - x2) * (x1 - x2);
        double a = (x2 * (y1 - y0) + x1 * (y0 - y2) + x0 * (y2 - y1)) / den;
        double b = (x2 * x2 * (y0 - y1) + x1 * x1 * (y2 - y0) + x0 * x0 * (y1 - y2)) / den;
        if (!(a > 0)) return times[i];
        double vertex = Math.Clamp(-b / (2 * a), Math.Min(x0, x2), Math.Max(x0, x2));
        return Math.Exp(vertex);
    }

    private static double Cross(IReadOnlyList<double> times, IReadOnlyList<double> values, int i, double level)
    {
        double f = (level - values[i]) / (values[i + 1] - values[i]);
        return Math.Exp(Math.Log(times[i]) + f * (Math.Log(times[i + 1]) - Math.Log(times[i])));
    }

    private static double[] TrainingSpectrum(Dataset training)
    {
        using var scope = NewDisposeScope();
        return CovarianceSpectrum.Eigenvalues(training.ToTensor(ScalarType.Float64));
    }

    /// <summary>Clean base points [P, d] and their fixed unit noise [P, d], float64.</summary>
    private static (Tensor Clean, Tensor Noise) BasePoints(SpectrumSubject subject, JacobianSpectrumSweepOptions options)
    {
        int d = subject.Denoiser.Dimension;
        if (options.PointKind == SpectrumPoints.Origin)
            return (zeros(1, d, dtype: ScalarType.Float64).MoveToOuterDisposeScope(), zeros(1, d, dtype: ScalarType.Float64).MoveToOuterDisposeScope());
        int points = options.Points;
        var noise = NoiseSource.ForSamples(options.Seed, 0, points, d).Next(ScalarType.Float64);
        Tensor clean;
        if (options.PointKind == SpectrumPoints.Data)
        {
            int n = subject.Training.Count;
            if (points > n) throw new ArgumentException($"Points = {points} exceeds the training-set size N = {n}.", nameof(options));
            // Evenly spread indices: point i ↦ training item ⌊i·N/P⌋ (independent of the sampler and of batch size).
            var rows = new float[points * d];
            for (int i = 0; i < points; i++) subject.Training.Row((int)((long)i * n / points)).CopyTo(rows.AsSpan(i * d, d));
            clean = tensor(rows, dtype: ScalarType.Float32).reshape(points, d).to_type(ScalarType.Float64);
        }
        else
        {
            var start = NoiseSource.ForSamples(options.Seed + 1, 0, points, d);
            var grid = TimeGrid.UniformWithLogTail(options.SamplerT, options.TMin, options.SamplerSteps);
            var xT = start.Next(ScalarType.Float32);
            var path = NoiseSource.ForSamples(options.Seed + 2, 0, points, d);
            clean = TrajectoryRunner.Run(subject.Denoiser, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, xT, path).to_type(ScalarType.Float64);
        }
        return (clean.MoveToOuterDisposeScope(), noise.MoveToOuterDisposeScope());
    }
}
