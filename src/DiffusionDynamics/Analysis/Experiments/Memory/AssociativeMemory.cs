using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>One deduplicated fixed point y* = D(e^{−t} y*, t) in rescaled (data) coordinates.</summary>
/// <param name="Point">y*: [d].</param>
/// <param name="Kind">Training point (within δ_m of one) or spurious.</param>
/// <param name="NearestTraining">Index of the nearest training point.</param>
/// <param name="NearestDistance">Distance to it.</param>
/// <param name="Starts">How many starts converged to it (a crude basin share of the search).</param>
/// <param name="MaxEigenvalue">Largest eigenvalue of the symmetrised map Jacobian e^{−t} ∂D (&lt; 1: an energy minimum, attracting); null when d is above the stability limit.</param>
public sealed record FixedPoint(double[] Point, FixedPointKind Kind, int NearestTraining, double NearestDistance, int Starts, double? MaxEigenvalue)
{
    /// <summary>True when the point is a minimum of the energy (all eigenvalues of e^{−t} ∂D below 1); null when unknown.</summary>
    public bool? Stable => MaxEigenvalue is double m ? m < 1 : null;
}

/// <summary>The fixed points found at one time, with the search's bookkeeping.</summary>
public sealed record FixedPointSet(double T, double Beta, IReadOnlyList<FixedPoint> Points, int Starts, int Converged, int Iterations)
{
    /// <summary>Count of fixed points that are training points.</summary>
    public int TrainingCount => Points.Count(p => p.Kind == FixedPointKind.Training);

    /// <summary>Count of spurious fixed points.</summary>
    public int SpuriousCount => Points.Count(p => p.Kind == FixedPointKind.Spurious);
}

/// <summary>Labels of generated samples, with their distances.</summary>
public sealed record SampleLabels(SampleKind[] Kinds, double[] TrainingDistance, double[] SampleDistance, double DeltaM, double DeltaS)
{
    /// <summary>Share of samples of one kind.</summary>
    public double Share(SampleKind kind) => Kinds.Length == 0 ? double.NaN : Kinds.Count(k => k == kind) / (double)Kinds.Length;
}

/// <summary>The basin size of one point, with the return probability at each level.</summary>
/// <param name="Size">The largest level t_k with return probability ≥ p at every level ≤ t_k (the basin lies in [Size, next level));
/// with <see cref="BasinCensoring.BelowSmallest"/> the smallest level, an upper bound (basin &lt; Size).</param>
/// <param name="Censoring">Whether the level grid bounds the basin from above or below.</param>
/// <param name="ReturnRadius">ρ(a) used for this point.</param>
/// <param name="ReturnProbability">Share of returning trials at each level.</param>
public sealed record BasinSize(double Size, BasinCensoring Censoring, double ReturnRadius, double[] ReturnProbability);

/// <summary>
/// Summary of censored basin sizes. The median is the lower median of the sizes ordered with left-censored ones (&lt; smallest level)
/// first and right-censored ones (≥ largest level) last, so it is a level of the grid or a censored bound: when the middle sample is
/// left-censored, more than half the basins are below the smallest level and the median is "&lt; smallest level"
/// (<see cref="MedianCensoring"/> = <see cref="BasinCensoring.BelowSmallest"/>), never a silent 0. NaN with no samples.
/// </summary>
public sealed record BasinSummary(int Count, int BelowSmallest, int AboveLargest, double Median, BasinCensoring MedianCensoring)
{
    /// <summary>Summary of the given basins.</summary>
    public static BasinSummary Of(IEnumerable<BasinSize> basins)
    {
        var sorted = basins.OrderBy(b => b.Censoring switch { BasinCensoring.BelowSmallest => 0, BasinCensoring.None => 1, _ => 2 })
            .ThenBy(b => b.Size).ToArray();
        if (sorted.Length == 0) return new BasinSummary(0, 0, 0, double.NaN, BasinCensoring.None);
        var mid = sorted[(sorted.Length - 1) / 2];
        return new BasinSummary(sorted.Length, sorted.Count(b => b.Censoring == BasinCensoring.BelowSmallest),
            sorted.Count(b => b.Censoring == BasinCensoring.AboveLargest), mid.Size, mid.Censoring);
    }

    /// <summary>The median as text: "t = 0.0032", "&lt; 1e-07" or "≥ 1" (format for the numbers).</summary>
    public string MedianText(string format = "G2") => Count == 0 ? "n/a" : MedianCensoring switch
    {
        BasinCensoring.BelowSmallest => "< " + Median.ToString(format, System.Globalization.CultureInfo.InvariantCulture),
        BasinCensoring.AboveLargest => "≥ " + Median.ToString(format, System.Globalization.CultureInfo.InvariantCulture),
        _ => "t = " + Median.ToString(format, System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// The associative-memory view of a denoiser (Pham, Raya, Negri, Zaki, Ambrogioni &amp; Krotov 2025, arXiv 2505.21777; docs/theory.md §6):
/// the energy, the fixed points of the denoiser map and their labels, basin sizes, and the labelling of generated samples.
/// </summary>
public static class AssociativeMemory
{
    /// <summary>
    /// E(x) = −(1/β) ln Σ_μ exp(−β|x − ξ_μ|²) for each row of x: [B, d] with patterns ξ: [n, d]; returns [B] doubles.
    /// With β = 1/(2(e^{2t} − 1)) it is −(1/β) ln P_t^e(e^{−t} x) up to a constant (see <see cref="Theory.CircleEnergy"/>). Range: β &gt; 0.
    /// </summary>
    public static double[] Energy(Tensor x, Tensor patterns, double beta)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(patterns);
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentException($"beta must be finite and > 0 (got {beta}).", nameof(beta));
        RequireMatrix(patterns, nameof(patterns), -1);
        if (patterns.shape[0] == 0) throw new ArgumentException("patterns must hold at least one row (n = 0).", nameof(patterns));
        RequireMatrix(x, nameof(x), patterns.shape[1]);
        using var scope = NewDisposeScope();
        var d2 = SquaredDistances(x.to_type(ScalarType.Float64), patterns.to_type(ScalarType.Float64));
        var e = d2.mul_(-beta).logsumexp(1).div_(-beta);
        return e.data<double>().ToArray();
    }

    /// <summary>Median over training points of the distance to their nearest other training point: the data's spacing h. Needs n ≥ 2.</summary>
    public static double MedianSpacing(Tensor trainingSet)
    {
        RequireMatrix(trainingSet, nameof(trainingSet), -1);
        if (trainingSet.shape[0] < 2) throw new ArgumentException($"the spacing needs n ≥ 2 training points (got n = {trainingSet.shape[0]}).", nameof(trainingSet));
        var nn = NearestNeighbours.Find(trainingSet, trainingSet);
        var sorted = nn.SecondDistance.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>
    /// Fixed points of the denoiser map at time t: iterates y ← D(e^{−t} y, t) from <paramref name="starts"/> ([S, d], rescaled
    /// coordinates). For the empirical denoiser this is the mean-shift / Hopfield update y ← Σ_μ softmax_μ(−β|y − ξ_μ|²) ξ_μ,
    /// which descends E monotonically to its critical points: ∇_y ln P = (D − y)/(e^{2t} − 1) = 0. Converged points are merged when
    /// closer than DedupRadius·h and labelled training (nearest training point within δ_m = <paramref name="deltaM"/>) or spurious.
    /// <paramref name="spacing"/> is the data's spacing h (<see cref="MedianSpacing"/>), the unit of the tolerance and dedup radius (&gt; 0);
    /// starts: [S, d]; trainingSet: [n, d]; t &gt; 0; deltaM &gt; 0.
    /// </summary>
    public static FixedPointSet FindFixedPoints(IDenoiser denoiser, double t, Tensor starts, Tensor trainingSet, double deltaM, double spacing,
        FixedPointOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        options ??= new FixedPointOptions();
        options.Validate();
        if (!(t > 0) || double.IsInfinity(t)) throw new ArgumentException($"t must be finite and > 0 (got {t}).", nameof(t));
        if (!(deltaM > 0) || double.IsInfinity(deltaM)) throw new ArgumentException($"deltaM must be finite and > 0 (got {deltaM}).", nameof(deltaM));
        if (!(spacing > 0) || double.IsInfinity(spacing)) throw new ArgumentException($"spacing must be finite and > 0 (got {spacing}).", nameof(spacing));
        int d = denoiser.Dimension;
        RequireMatrix(starts, nameof(starts), d);
        RequireMatrix(trainingSet, nameof(trainingSet), d);
        if (starts.shape[0] == 0) throw new ArgumentException("starts must hold at least one row.", nameof(starts));
        if (trainingSet.shape[0] == 0) throw new ArgumentException("trainingSet must hold at least one row.", nameof(trainingSet));

        double decay = OuTime.Decay(t), tol = options.Tolerance * spacing;
        int s = (int)starts.shape[0], iterations = 0;
        var y = starts.to_type(ScalarType.Float64).clone();
        var done = torch.zeros(s, ScalarType.Bool);
        try
        {
            bool all = false;
            while (iterations < options.MaxIterations && !all)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var next = denoiser.Denoise(y * decay, t).to_type(ScalarType.Float64);
                var moved = (next - y).pow(2).sum(1).sqrt();
                done.logical_or_(moved.le(tol));
                y.copy_(next);
                iterations++;
                all = done.all().item<bool>();
            }
            var converged = done.data<bool>().ToArray();
            var pts = y.data<double>().ToArray();

            // Dedupe greedily in start order; keep the representative and a count.
            var reps = new List<double[]>();
            var counts = new List<int>();
            double r2 = Math.Pow(options.DedupRadius * spacing, 2);
            for (int i = 0; i < s; i++)
            {
                if (!converged[i]) continue;
                var p = pts.AsSpan(i * d, d).ToArray();
                int hit = reps.FindIndex(q => SquaredDistance(q, p) <= r2);
                if (hit >= 0) counts[hit]++;
                else { reps.Add(p); counts.Add(1); }
            }
            var result = new List<FixedPoint>();
            if (reps.Count > 0)
            {
                using var scope = NewDisposeScope();
                var repTensor = torch.tensor(reps.SelectMany(r => r).ToArray(), [reps.Count, d], ScalarType.Float64);
                var nn = NearestNeighbours.Find(repTensor.to_type(trainingSet.dtype), trainingSet);
                for (int k = 0; k < reps.Count; k++)
                {
                    double? eig = d <= options.MaxStabilityDimension ? MaxMapEigenvalue(denoiser, repTensor[k], t) : null;
                    result.Add(new FixedPoint(reps[k], nn.NearestDistance[k] <= deltaM ? FixedPointKind.Training : FixedPointKind.Spurious,
                        (int)nn.Nearest[k], nn.NearestDistance[k], counts[k], eig));
                }
            }
            return new FixedPointSet(t, Theory.CircleEnergy.BetaFromTime(t), result, s, converged.Count(c => c), iterations);
        }
        finally
        {
            y.Dispose();
            done.Dispose();
        }
    }

    /// <summary>
    /// Starts for <see cref="FindFixedPoints"/>: row i is training point (i mod n) plus √(e^{2t} − 1)·z_i, a draw of the smoothed
    /// density in rescaled coordinates; z_i from stream (seed, i).
    /// </summary>
    public static Tensor Starts(Tensor trainingSet, double t, int count, long seed)
    {
        RequireMatrix(trainingSet, nameof(trainingSet), -1);
        if (trainingSet.shape[0] == 0) throw new ArgumentException("trainingSet must hold at least one row.", nameof(trainingSet));
        if (count < 1) throw new ArgumentException($"count must be ≥ 1 (got {count}).", nameof(count));
        if (!(t > 0) || double.IsInfinity(t)) throw new ArgumentException($"t must be finite and > 0 (got {t}).", nameof(t));
        using var scope = NewDisposeScope();
        int n = (int)trainingSet.shape[0], d = (int)trainingSet.shape[1];
        var idx = torch.tensor(Enumerable.Range(0, count).Select(i => (long)(i % n)).ToArray());
        var z = NoiseSource.ForSamples(seed, 0, count, d).Next(ScalarType.Float64);
        return trainingSet.to_type(ScalarType.Float64).index_select(0, idx).add_(z.mul_(Math.Sqrt(double.ExpM1(2 * t)))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Labels generated samples [m, d]: memorized when the nearest training point is within δ_m, else spurious when the nearest
    /// other generated sample is within δ_s, else generalized (docs/theory.md §6).
    /// </summary>
    public static SampleLabels LabelSamples(Tensor samples, Tensor trainingSet, double deltaM, double deltaS)
    {
        RequireMatrix(trainingSet, nameof(trainingSet), -1);
        RequireMatrix(samples, nameof(samples), trainingSet.shape[1]);
        if (trainingSet.shape[0] == 0) throw new ArgumentException("trainingSet must hold at least one row.", nameof(trainingSet));
        if (samples.shape[0] < 2) throw new ArgumentException($"labelling needs ≥ 2 samples (got {samples.shape[0]}).", nameof(samples));
        if (!(deltaM > 0) || double.IsInfinity(deltaM)) throw new ArgumentException($"deltaM must be finite and > 0 (got {deltaM}).", nameof(deltaM));
        if (!(deltaS > 0) || double.IsInfinity(deltaS)) throw new ArgumentException($"deltaS must be finite and > 0 (got {deltaS}).", nameof(deltaS));
        var toTraining = NearestNeighbours.Find(samples, trainingSet.to_type(samples.dtype)).NearestDistance;
        // Nearest other sample: the nearest in the set itself is the sample (distance 0), so take the second.
        var toSamples = NearestNeighbours.Find(samples, samples).SecondDistance;
        var kinds = new SampleKind[toTraining.Length];
        for (int i = 0; i < kinds.Length; i++)
            kinds[i] = toTraining[i] <= deltaM ? SampleKind.Memorized : toSamples[i] <= deltaS ? SampleKind.Spurious : SampleKind.Generalized;
        return new SampleLabels(kinds, toTraining, toSamples, deltaM, deltaS);
    }

    /// <summary>
    /// Return radii ρ(a) = <paramref name="fraction"/> · r(a) of <paramref name="points"/> [P, d] (<see cref="BasinOptions"/>): r(a) is the
    /// distance from a to the nearest training point other than the one a copies — the second-nearest when the nearest lies within
    /// δ_m = <paramref name="deltaM"/> (a is memorized), else the nearest. So a memorized sample returns when it ends closer to it than
    /// the midpoint to the neighbouring training point; any other sample returns when it stays closer to itself than to halfway
    /// towards the nearest training point, i.e. when it is an attractor of its own. trainingSet: [n, d], n ≥ 2; deltaM ≥ 0;
    /// fraction in (0, 1].
    /// </summary>
    public static double[] ReturnRadii(Tensor points, Tensor trainingSet, double deltaM, double fraction = 0.5)
    {
        RequireMatrix(trainingSet, nameof(trainingSet), -1);
        RequireMatrix(points, nameof(points), trainingSet.shape[1]);
        if (trainingSet.shape[0] < 2) throw new ArgumentException($"return radii need n ≥ 2 training points (got n = {trainingSet.shape[0]}).", nameof(trainingSet));
        if (!(deltaM >= 0) || double.IsInfinity(deltaM)) throw new ArgumentException($"deltaM must be finite and ≥ 0 (got {deltaM}).", nameof(deltaM));
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentException($"fraction must be in (0, 1] (got {fraction}).", nameof(fraction));
        if (points.shape[0] == 0) return [];
        // Float64: the direct expansion |x|² − 2x·a + |a|² loses small distances in float32.
        var nn = NearestNeighbours.Find(points.to_type(ScalarType.Float64), trainingSet.to_type(ScalarType.Float64));
        var radii = new double[nn.Nearest.Length];
        for (int i = 0; i < radii.Length; i++)
        {
            double r = nn.NearestDistance[i] <= deltaM ? nn.SecondDistance[i] : nn.NearestDistance[i];
            if (!(r > 0)) throw new ArgumentException($"point {i} has no other training point at a distance > 0 (duplicate training points?).", nameof(trainingSet));
            radii[i] = fraction * r;
        }
        return radii;
    }

    /// <summary>
    /// Basin sizes of <paramref name="points"/> [P, d] (see <see cref="BasinOptions"/>): trial j of point p at level k re-noises with
    /// stream (seed + k·7919, p·Trials + j), so results do not depend on how points are batched. A trial returns when the denoised
    /// end point lies within <paramref name="returnRadii"/>[p] of the point (one radius per point, &gt; 0; see <see cref="ReturnRadii"/>).
    /// A point failing at the smallest level is <see cref="BasinCensoring.BelowSmallest"/>; one passing every level is
    /// <see cref="BasinCensoring.AboveLargest"/>.
    /// </summary>
    public static BasinSize[] BasinSizes(IDenoiser denoiser, Tensor points, IReadOnlyList<double> returnRadii, BasinOptions? options = null, long seed = 0,
        IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(returnRadii);
        options ??= new BasinOptions();
        options.Validate();
        RequireMatrix(points, nameof(points), denoiser.Dimension);
        int p = (int)points.shape[0], d = denoiser.Dimension, m = options.Trials;
        if (returnRadii.Count != p) throw new ArgumentException($"returnRadii has {returnRadii.Count} entries for {p} points.", nameof(returnRadii));
        for (int i = 0; i < p; i++)
            if (!(returnRadii[i] > 0) || double.IsInfinity(returnRadii[i])) throw new ArgumentException($"returnRadii[{i}] must be finite and > 0 (got {returnRadii[i]}).", nameof(returnRadii));
        var levels = options.LevelsOrDefault;
        var prob = new double[p][];
        for (int i = 0; i < p; i++) prob[i] = new double[levels.Length];
        if (p == 0) return [];
        var rep = points.to_type(ScalarType.Float32).repeat_interleave(m, 0); // [P·m, d]
        var radius = torch.tensor(returnRadii.ToArray()).repeat_interleave(m, 0); // [P·m], float64
        try
        {
            for (int k = 0; k < levels.Length; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                double t = levels[k];
                var z = NoiseSource.ForSamples(seed + 7919L * k, 0, p * m, d).Next();
                var x = rep * OuTime.Decay(t) + z * Math.Sqrt(OuTime.Delta(t));
                var grid = TimeGrid.LogUniform(t, options.TMin, options.Steps);
                var request = new TrajectoryRequest(options.Sampler);
                var noise = request.IsStochastic ? NoiseSource.ForSamples(seed + 7919L * k + 1, 0, p * m, d) : null;
                var end = TrajectoryRunner.Run(denoiser, request, grid, x, noise, cancellationToken: cancellationToken);
                var back = (end.to_type(ScalarType.Float64) - rep.to_type(ScalarType.Float64)).pow(2).sum(1).sqrt().le(radius).to_type(ScalarType.Float64)
                    .reshape(p, m).mean([1]).data<double>().ToArray();
                for (int i = 0; i < p; i++) prob[i][k] = back[i];
                progress?.Report(k + 1);
            }
        }
        finally
        {
            rep.Dispose();
            radius.Dispose();
        }
        return prob.Select((pr, i) =>
        {
            int passed = 0;
            while (passed < levels.Length && pr[passed] >= options.Probability) passed++;
            return passed == 0 ? new BasinSize(levels[0], BasinCensoring.BelowSmallest, returnRadii[i], pr)
                : new BasinSize(levels[passed - 1], passed == levels.Length ? BasinCensoring.AboveLargest : BasinCensoring.None, returnRadii[i], pr);
        }).ToArray();
    }

    /// <summary>Largest eigenvalue of the symmetrised Jacobian of the map y ↦ D(e^{−t} y, t), i.e. e^{−t} ∂D(x)/∂x at x = e^{−t} y (closed form for the empirical denoiser: Cov_w/(e^{2t} − 1)).</summary>
    public static double MaxMapEigenvalue(IDenoiser denoiser, Tensor y, double t)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        using var scope = NewDisposeScope();
        var x = y.to_type(ScalarType.Float64).reshape(-1) * OuTime.Decay(t);
        var j = ScoreJacobian.DenoiserDense(denoiser, x, t).mul(OuTime.Decay(t));
        var sym = (j + j.t()).mul_(0.5);
        return torch.linalg.eigvalsh(sym).max().item<double>();
    }

    private static Tensor SquaredDistances(Tensor x, Tensor a) =>
        (x.pow(2).sum(1, keepdim: true) + a.pow(2).sum(1).unsqueeze(0) - 2 * x.mm(a.t())).clamp_min_(0);

    private static double SquaredDistance(double[] a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }

    private static void RequireMatrix(Tensor x, string name, long d)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.dim() != 2) throw new ArgumentException($"{name} must be a matrix [rows, d] (got shape [{string.Join(", ", x.shape)}]).", name);
        if (d >= 0 && x.shape[1] != d) throw new ArgumentException($"{name} has d = {x.shape[1]}, expected d = {d}.", name);
        if (!torch.isfinite(x).all().item<bool>()) throw new ArgumentException($"{name} holds NaN or infinite values.", name);
    }
}
