using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Options of <see cref="CloningExperiment"/> (defaults: Biroli et al. 2024, T = 10, Euler–Maruyama).</summary>
/// <param name="Pairs">Parent trajectories P; each branch time clones every parent into two. Range: ≥ 2.</param>
/// <param name="Steps">Uniform grid steps from T to t_min (branch times and a log-uniform tail near t_min are added). Range: ≥ 1.</param>
/// <param name="TMax">Start time T. Range: &gt; TMin.</param>
/// <param name="TMin">Last grid time t_min &gt; 0; samples end with D(x(t_min), t_min).</param>
/// <param name="Start">Start rule of the parents: <see cref="StartKind.Noise"/> or <see cref="StartKind.ForwardMarginal"/> at T.</param>
/// <param name="Batch">Parents per batch (clones run 2·Batch at a time). Range: ≥ 1.</param>
/// <param name="Seed">Run seed; parent p uses stream (Seed, p).</param>
/// <param name="Sampler">Integrator of parents and clones (default Euler–Maruyama, the papers' SDE). Under a deterministic sampler the
/// clones are regenerated from the parent's sample (<see cref="CloneRule.Renoise"/>; see <see cref="CloningExperiment"/>).</param>
public sealed record CloningOptions(int Pairs = 128, int Steps = 200, double TMax = 10.0, double TMin = 1e-3,
    StartKind Start = StartKind.Noise, int Batch = 128, long Seed = 0, SamplerKind Sampler = SamplerKind.EulerMaruyama)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Start is not (StartKind.Noise or StartKind.ForwardMarginal))
            throw new ArgumentOutOfRangeException(nameof(Start), Start, "Cloning starts the parents at T: Noise or ForwardMarginal.");
        SamplerRegistry.Get(Sampler);
        if (Pairs < 2) throw new ArgumentOutOfRangeException(nameof(Pairs), Pairs, "Pairs must be ≥ 2.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be ≥ 1.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
        if (!double.IsFinite(TMin) || TMin <= 0) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (!double.IsFinite(TMax) || TMax <= TMin) throw new ArgumentOutOfRangeException(nameof(TMax), TMax, $"T must be finite and > t_min = {TMin}.");
    }
}

/// <summary>
/// The outcome of one branch time: for every parent p, whether its two clones ended in the same class and at
/// the same nearest training point.
/// </summary>
public sealed record BranchOutcome(double T, bool[] SameClass, bool[] SameNearest)
{
    /// <summary>φ(t): share of pairs whose clones end in the same class.</summary>
    public double Phi => SameClass.Count(s => s) / (double)SameClass.Length;

    /// <summary>φ_C(t): share of pairs whose clones end at the same nearest training point.</summary>
    public double PhiC => SameNearest.Count(s => s) / (double)SameNearest.Length;

    /// <summary>Binomial standard error √(p(1 − p)/P).</summary>
    public static double StdErr(double p, int count) => Math.Sqrt(Math.Max(p * (1 - p), 0) / count);
}

/// <summary>Everything a cloning run measured.</summary>
/// <param name="Branches">One outcome per branch time, in decreasing t.</param>
/// <param name="ParentSamples">Final samples of the parents, [P, d] row-major float32.</param>
/// <param name="ParentClasses">Class of each parent's final sample.</param>
/// <param name="ParentNeighbours">Nearest training points of the parents' final samples.</param>
/// <param name="LastChangeTimes">t̂_C per parent: the last (smallest) grid time at which μ*(t) = argmin_μ |a^μ e^{−t} − x(t)| changed.</param>
/// <param name="Grid">The grid the trajectories used.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record CloningRun(IReadOnlyList<BranchOutcome> Branches, float[] ParentSamples, int[] ParentClasses,
    NearestNeighbourResult ParentNeighbours, double[] LastChangeTimes, TimeGrid Grid, double Seconds);

/// <summary>
/// Cloning experiments on the exact empirical score (Biroli et al. 2024, arXiv 2402.18491, Sec. 4): P parent
/// trajectories run from T to t_min; at each branch time t every parent state x(t) is copied into two clones
/// that continue with independent noise. φ(t) = P(clones end in the same class) measures speciation,
/// φ_C(t) = P(clones end at the same nearest training point) and the last change of μ*(t) along the parents
/// measure collapse. Parents and clones run through <see cref="TrajectoryRunner.RunBatches"/> under <see cref="CloningOptions.Sampler"/>.
/// Under a stochastic sampler the clones are exact copies of x(t) (φ(t) = P(two draws of x₀ | x(t) share the class)); under a
/// deterministic one exact copies would always agree, so each clone is regenerated from the parent's sample x̂₀ by the forward
/// process, x′(t) = e^{−t} x̂₀ + √Δ_t z, and flows deterministically from t (<see cref="CloneRule.Renoise"/>, forward–backward
/// as in Sclocchi et al., arXiv 2402.16991): φ(t) is then the probability that two regenerations from noise level t keep a common
/// class (1 for t ≪ t_S, φ∞ for t ≫ t_S); φ_C(t) likewise for the nearest training point. The parents' t̂_C is that of the flow.
/// </summary>
public static class CloningExperiment
{
    /// <summary>
    /// The time grid: uniform from T to t_min in <paramref name="steps"/> steps, refined with 20 log-uniform
    /// times below min(0.2, T/2) so small branch times resolve, plus every branch time exactly.
    /// </summary>
    public static TimeGrid BuildGrid(double tMax, double tMin, int steps, IReadOnlyList<double> branchTimes)
    {
        var times = new SortedSet<double>(Comparer<double>.Create((a, b) => b.CompareTo(a)));
        var baseGrid = TimeGrid.UniformWithLogTail(tMax, tMin, steps);
        for (int k = 0; k <= baseGrid.Steps; k++) times.Add(baseGrid[k]);
        foreach (var t in branchTimes)
        {
            if (!(t > tMin) || !(t <= tMax)) throw new ArgumentOutOfRangeException(nameof(branchTimes), t, $"Branch times must lie in (t_min, T] = ({tMin}, {tMax}].");
            times.Add(t);
        }
        // Merge times closer than 1e-9 relative (floating duplicates).
        var merged = new List<double>();
        foreach (var t in times)
            if (merged.Count == 0 || merged[^1] - t > 1e-9 * merged[^1]) merged.Add(t);
        return TimeGrid.FromTimes(merged, "uniform + log tail + branch times");
    }

    /// <param name="denoiser">The score source (the exact empirical score, or a trained model of the same data).</param>
    /// <param name="trainingSet">A: [n, d], for nearest training points, μ*(t) and the forward-marginal start.</param>
    /// <param name="branchTimes">Branch times t in (t_min, T].</param>
    /// <param name="classify">Class of each row of a [B, d] batch of final samples.</param>
    /// <param name="progress">Receives grid steps done (total: <see cref="TotalSteps"/>).</param>
    public static CloningRun Run(IDenoiser denoiser, Tensor trainingSet, IReadOnlyList<double> branchTimes, Func<Tensor, int[]> classify,
        CloningOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(branchTimes);
        if (trainingSet.dim() != 2 || trainingSet.shape[1] != denoiser.Dimension)
            throw new ArgumentException($"Training set must be [n, {denoiser.Dimension}], got [{string.Join(", ", trainingSet.shape)}].", nameof(trainingSet));
        ArgumentNullException.ThrowIfNull(classify);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (branchTimes.Count == 0) throw new ArgumentException("Give at least one branch time.", nameof(branchTimes));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var grid = BuildGrid(options.TMax, options.TMin, options.Steps, branchTimes);
        var branchIndex = branchTimes.Select(t => IndexOf(grid, t)).Distinct().OrderBy(k => k).ToArray();
        int d = denoiser.Dimension, p = options.Pairs;
        var sameClass = branchIndex.Select(_ => new bool[p]).ToArray();
        var sameNearest = branchIndex.Select(_ => new bool[p]).ToArray();
        var parentSamples = new float[p * d];
        var lastChange = new double[p];
        var request = new TrajectoryRequest(options.Sampler);
        var batches = new SampleBatches(p, options.Batch, options.Seed)
        {
            Start = options.Start == StartKind.Noise ? TrajectoryStart.Noise
                : TrajectoryStart.Custom(noise => Start.FromForwardMarginal(trainingSet, options.TMax, noise).X),
            Branches = new BranchOptions(branchIndex, Clones: 2),
        };
        using var index = new NearestNeighbourIndex(trainingSet);
        var handler = new CloneOutcomes(index, classify, parentSamples, lastChange, sameClass, sameNearest, branchIndex, d);
        TrajectoryRunner.RunBatches(denoiser, request, grid, batches, handler, progress, cancellationToken);

        using var samples = torch.tensor(parentSamples, [p, d]);
        var parentClasses = classify(samples);
        var neighbours = index.Find(samples);
        var outcomes = branchIndex.Select((k, b) => new BranchOutcome(grid[k], sameClass[b], sameNearest[b])).ToArray();
        return new CloningRun(outcomes, parentSamples, parentClasses, neighbours, lastChange, grid, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Grid steps of a run (parents plus both clones at every branch, <see cref="TrajectoryRunner.TotalSteps"/>).</summary>
    public static long TotalSteps(TimeGrid grid, IEnumerable<double> branchTimes, int pairs, int batch,
        SamplerKind sampler = SamplerKind.EulerMaruyama)
    {
        var indices = branchTimes.Select(t => IndexOf(grid, t)).Distinct().ToArray();
        return TrajectoryRunner.TotalSteps(grid, new TrajectoryRequest(sampler), new SampleBatches(pairs, batch) { Branches = new BranchOptions(indices) });
    }

    private static int IndexOf(TimeGrid grid, double t)
    {
        for (int k = 0; k <= grid.Steps; k++)
            if (Math.Abs(grid[k] - t) <= 1e-9 * Math.Max(1, t)) return k;
        throw new ArgumentException($"Branch time {t} is not on the grid.");
    }

    /// <summary>Per batch: follows μ*(t) along the parents, keeps their final samples, compares the two clones of every parent.</summary>
    private sealed class CloneOutcomes(NearestNeighbourIndex index, Func<Tensor, int[]> classify, float[] parentSamples, double[] lastChange,
        bool[][] sameClass, bool[][] sameNearest, int[] branchIndex, int d) : ITrajectoryHandler
    {
        private NearestPointTracker? tracker;

        public IStepObserver? Observe(TrajectoryBatch batch)
        {
            tracker?.Dispose();
            tracker = new NearestPointTracker(index, batch.Count);
            return tracker;
        }

        public void OnFinal(TrajectoryBatch batch, Tensor final)
        {
            int first = (int)batch.FirstId;
            final.to_type(ScalarType.Float32).contiguous().data<float>().CopyTo(parentSamples, first * d);
            Array.Copy(tracker!.LastChange, 0, lastChange, first, batch.Count);
        }

        public void OnClones(TrajectoryBatch batch, int k, Tensor parents, Tensor ends)
        {
            int b = Array.IndexOf(branchIndex, k), first = (int)batch.FirstId;
            var classes = classify(ends);
            var nearest = index.Find(ends).Nearest;
            for (int i = 0; i < batch.Count; i++)
            {
                sameClass[b][first + i] = classes[2 * i] == classes[2 * i + 1];
                sameNearest[b][first + i] = nearest[2 * i] == nearest[2 * i + 1];
            }
        }
    }
}
