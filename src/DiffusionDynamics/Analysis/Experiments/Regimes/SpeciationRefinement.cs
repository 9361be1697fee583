using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// φ at some branch times from one set of parents: <see cref="Share"/>[b][p] is parent p's estimate of φ(t_b), the share of
/// its clone pairs that end in the same class (0 or 1 for one pair; the U-statistic Σ_k c_k(c_k − 1)/(K(K − 1)) over the
/// class counts c_k of K clones). Parents are independent, so a bootstrap resamples them (the same draw at every time).
/// </summary>
public sealed record PhiSamples(double[] Times, double[][] Share)
{
    public int Parents => Share.Length == 0 ? 0 : Share[0].Length;

    public double Phi(int b) => Share[b].Average();

    /// <summary>Standard error of <see cref="Phi"/>: sample standard deviation of the parents' shares over √P.</summary>
    public double StdErr(int b) => Parents < 2 ? 0 : SampleStatistics.StandardDeviationOrZero(Share[b], Phi(b)) / Math.Sqrt(Parents);

    /// <summary>One pair per parent (the coarse pass).</summary>
    public static PhiSamples FromOutcomes(IReadOnlyList<BranchOutcome> outcomes) =>
        new(outcomes.Select(o => o.T).ToArray(), outcomes.Select(o => o.SameClass.Select(s => s ? 1.0 : 0.0).ToArray()).ToArray());

    /// <summary>The parents of both, at the same times.</summary>
    public PhiSamples Concat(PhiSamples other) =>
        new(Times, Share.Select((s, b) => s.Concat(other.Share[b]).ToArray()).ToArray());
}

/// <summary>
/// The second pass of the speciation measurement: extra branch times around the coarse φ̃ crossing, each parent cloned
/// into K clones there, so the pairs are spent where they move the interpolated crossing (docs/theory.md, "Two-pass cloning").
/// </summary>
public static class SpeciationRefinement
{
    /// <summary>
    /// <paramref name="count"/> times spread over [c − h/2, c + h/2] around the coarse crossing c, where h is the spacing of the
    /// two coarse branch times that bracket it, clipped to (t_min, 0.9 T]; so the refined times fall on both sides of c.
    /// </summary>
    public static double[] Times(IReadOnlyList<double> coarseTimes, double crossing, int count, double tMin, double tMax)
    {
        var sorted = coarseTimes.Order().ToArray();
        int j = Array.FindIndex(sorted, t => t >= crossing);
        double h = j <= 0 ? sorted[Math.Min(1, sorted.Length - 1)] - sorted[0] : j >= sorted.Length ? sorted[^1] - sorted[^2] : sorted[j] - sorted[j - 1];
        if (!(h > 0)) h = 0.25 * crossing;
        double lo = Math.Max(crossing - 0.5 * h, 1.5 * tMin), hi = Math.Min(crossing + 0.5 * h, 0.9 * tMax);
        return Enumerable.Range(0, count).Select(i => count == 1 ? crossing : lo + (hi - lo) * i / (count - 1.0)).ToArray();
    }

    /// <summary>
    /// Runs <paramref name="parents"/> parents (streams (seed, p)) and clones each into <paramref name="clones"/> at every time; only the
    /// clones' classes are kept. With <paramref name="exactParents"/> (only for the exact empirical score of <paramref name="trainingSet"/>)
    /// each parent starts at the latest refined time t₁ as an exact draw of the forward marginal, x(t₁) = e^{−t₁} a_μ + √Δ_{t₁} z with μ
    /// uniform: the law the exact backward process has at t₁, without the parent's path from T and its discretization error
    /// (docs/theory.md §4.4a). Otherwise parents run from T.
    /// </summary>
    /// <remarks>
    /// With <paramref name="readout"/> t_r the clones stop at t_r and are classified by their denoised state D(x(t_r), t_r) (the runner's
    /// final denoise), not at t_min: valid where the class is already fixed at t_r, which <see cref="ReadoutTime"/> checks on the coarse pass.
    /// </remarks>
    public static PhiSamples Run(IDenoiser denoiser, Tensor trainingSet, double[] times, Func<Tensor, int[]> classify, int parents, int clones,
        CloningOptions options, long seed, IProgress<long>? progress = null, CancellationToken cancellationToken = default, bool exactParents = false,
        double? readout = null)
    {
        var grid = Grid(options, times, exactParents, readout);
        var index = times.Select(t => IndexOf(grid, t)).ToArray();
        var share = times.Select(_ => new double[parents]).ToArray();
        double t0 = grid[0];
        var batches = new SampleBatches(parents, options.Batch, seed)
        {
            Start = options.Start == StartKind.Noise && !exactParents ? TrajectoryStart.Noise
                : TrajectoryStart.Custom(noise => Start.FromForwardMarginal(trainingSet, t0, noise).X),
            Branches = new BranchOptions(index.Distinct().ToArray(), Clones: clones),
        };
        double pairs = clones * (clones - 1.0);
        var handler = new TrajectoryCallbacks
        {
            OnClones = (batch, k, _, ends) =>
            {
                var classes = classify(ends);
                int first = (int)batch.FirstId;
                for (int b = 0; b < index.Length; b++)
                {
                    if (index[b] != k) continue;
                    for (int i = 0; i < batch.Count; i++)
                    {
                        double same = classes.Skip(i * clones).Take(clones).GroupBy(c => c).Sum(g => g.Count() * (g.Count() - 1.0));
                        share[b][first + i] = same / pairs;
                    }
                }
            },
        };
        TrajectoryRunner.RunBatches(denoiser, new TrajectoryRequest(options.Sampler), grid, batches, handler, progress, cancellationToken);
        return new PhiSamples(times, share);
    }

    /// <summary>Grid steps of one refinement round.</summary>
    public static long TotalSteps(CloningOptions options, double[] times, int parents, int clones, bool exactParents = false, double? readout = null)
    {
        var grid = Grid(options, times, exactParents, readout);
        var index = times.Select(t => IndexOf(grid, t)).Distinct().ToArray();
        return TrajectoryRunner.TotalSteps(grid, new TrajectoryRequest(options.Sampler),
            new SampleBatches(parents, options.Batch) { Branches = new BranchOptions(index, clones) });
    }

    /// <summary>
    /// The crossing of φ̃ = (φ − φ∞)/(1 − φ∞) through <paramref name="level"/> (<see cref="Crossing.Falling"/>): over the refined points alone
    /// (indices ≥ <paramref name="refinedFrom"/>) when φ̃ crosses among them, else over all points. A coarse point between the refined
    /// times carries far fewer pairs, so it must not become an end of the interpolation.
    /// </summary>
    public static double? Estimate(IReadOnlyList<double> times, IReadOnlyList<double> normalized, double level, int refinedFrom)
    {
        if (refinedFrom < times.Count)
        {
            var refined = Enumerable.Range(refinedFrom, times.Count - refinedFrom).ToArray();
            if (Crossing.Falling(refined.Select(i => times[i]).ToArray(), refined.Select(i => normalized[i]).ToArray(), level) is double c) return c;
        }
        return Crossing.Falling(times, normalized, level);
    }

    /// <summary>
    /// Bootstrap standard error of <see cref="Estimate"/> (passes[0] coarse, the rest refined): every resample draws the parents of each
    /// pass with replacement (the same draw at all times of that pass) and repeats the interpolation.
    /// </summary>
    public static (double? StdErr, int Crossings) Bootstrap(IReadOnlyList<PhiSamples> passes, double phiInfinity, double level,
        int resamples, long seed)
    {
        var rng = new Xoshiro(Xoshiro.Mix((ulong)seed, 0xB007UL));
        var times = passes.SelectMany(p => p.Times).ToArray();
        var phi = new double[times.Length];
        var crossings = new List<double>();
        for (int r = 0; r < resamples; r++)
        {
            int at = 0;
            foreach (var pass in passes)
            {
                int n = pass.Parents;
                var pick = new int[n];
                for (int i = 0; i < n; i++) pick[i] = rng.NextInt(n);
                for (int b = 0; b < pass.Times.Length; b++)
                {
                    double sum = 0;
                    foreach (int i in pick) sum += pass.Share[b][i];
                    phi[at++] = (sum / n - phiInfinity) / (1 - phiInfinity);
                }
            }
            if (Estimate(times, phi, level, passes[0].Times.Length) is double c) crossings.Add(c);
        }
        if (crossings.Count < 2) return (null, crossings.Count);
        return (SampleStatistics.StandardDeviation(crossings, crossings.Average()), crossings.Count);
    }

    /// <summary>
    /// The cloning grid through the refined times: with exact parents it starts at the latest refined time, and with a readout time it
    /// ends there.
    /// </summary>
    private static TimeGrid Grid(CloningOptions options, double[] times, bool exactParents, double? readout)
    {
        var grid = CloningExperiment.BuildGrid(options.TMax, options.TMin, options.Steps, readout is double r ? [.. times, r] : times);
        if (!exactParents && readout is null) return grid;
        int first = exactParents ? IndexOf(grid, times.Max()) : 0;
        int last = readout is double tr ? IndexOf(grid, tr) : grid.Steps;
        return TimeGrid.FromTimes(grid.Times[first..(last + 1)].ToArray(),
            $"uniform + log tail + refined times{(exactParents ? ", from the latest refined time" : "")}{(readout is null ? "" : ", to the readout time")}");
    }

    /// <summary>
    /// The time at which refinement clones can be read out (docs/theory.md §4.4a): the latest coarse branch time t ≤ c/4 (c the coarse
    /// crossing) at which every coarse pair ended in the same class, where the class is already decided; null when there is none above
    /// 1.5 t_min (the clones then run to t_min).
    /// </summary>
    public static double? ReadoutTime(IReadOnlyList<BranchOutcome> coarse, double crossing, double tMin)
    {
        var decided = coarse.Where(o => o.T <= 0.25 * crossing && o.T > 1.5 * tMin && o.SameClass.Length > 0 && o.SameClass.All(s => s))
            .Select(o => o.T).ToArray();
        return decided.Length == 0 ? null : decided.Max();
    }

    private static int IndexOf(TimeGrid grid, double t)
    {
        for (int k = 0; k <= grid.Steps; k++)
            if (Math.Abs(grid[k] - t) <= 1e-9 * Math.Max(1, t)) return k;
        throw new ArgumentException($"Branch time {t} is not on the grid.");
    }
}
