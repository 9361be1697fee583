using DiffusionDynamics.Neural;
using DiffusionDynamics.Random;
using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Fixed-point counts of ln P_t^e at one time (the exactly solvable baseline). MeanRadius: mean |y*| of the fixed points (meaningful
/// for centred ring data such as the circle); TheoryRingRadius: the circle's continuum ring radius R(β) = I₁(2βR)/I₀(2βR) (0 for β ≤ 1),
/// null for non-circle data.
/// </summary>
public sealed record FixedPointSummary(double T, double Beta, int Count, int Training, int Spurious, int Stable, int Converged, int Starts,
    double MeanRadius, double? TheoryRingRadius);

/// <summary>One training-set size: sample shares, fixed points over t, basin sizes.</summary>
/// <param name="N">Training-set size (the first N points).</param>
/// <param name="Spacing">h: median nearest-neighbour distance of the training points.</param>
/// <param name="DeltaM">δ_m = MemorizedRadius · h.</param>
/// <param name="DeltaS">δ_s = SpuriousRadius · h.</param>
/// <param name="Memorized">Share of generated samples within δ_m of a training point.</param>
/// <param name="Spurious">Share of the others within δ_s of another generated sample.</param>
/// <param name="Generalized">Share of the rest.</param>
/// <param name="ShareStderrMax">Bound √(0.25/m) on the binomial standard error of each share.</param>
/// <param name="FixedPoints">Fixed-point counts of ln P_t^e at each time.</param>
/// <param name="Basins">Basin sizes of the first generated samples (<see cref="AssociativeMemory.BasinSizes"/>), in sample order.</param>
/// <param name="BasinKinds">The label of each of those samples.</param>
/// <param name="BasinAll">Censoring-aware summary over all of them.</param>
/// <param name="BasinMemorized">The same over the memorized ones only (Count 0 when none).</param>
/// <param name="Seconds">Wall time of this size.</param>
/// <param name="ModelFixedPoints">With a model: fixed points of the model's own map y ← D_θ(e^{−t} y, t) at the times ≥ the generation's
/// t_min (inside the network's training range), from the same starts, labelled against the same training set; null for the exact score.</param>
public sealed record MemorySizePoint(int N, double Spacing, double DeltaM, double DeltaS,
    double Memorized, double Spurious, double Generalized, double ShareStderrMax,
    IReadOnlyList<FixedPointSummary> FixedPoints, IReadOnlyList<BasinSize> Basins, SampleKind[] BasinKinds,
    BasinSummary BasinAll, BasinSummary BasinMemorized, double Seconds, IReadOnlyList<FixedPointSummary>? ModelFixedPoints = null);

/// <summary>The 2-D energy landscape at one size and time, for the figure (only for d = 2).</summary>
public sealed record MemoryLandscape(int N, double T, double Beta, double[] Xs, double[] Ys, double[] Energy,
    float[] Training, IReadOnlyList<FixedPoint> FixedPoints, float[] Samples);

/// <summary>Everything measured at one size: the point and, at the landscape size of 2-D data, the landscape. This is what a resumable sweep persists.</summary>
public sealed record MemorySizeResult(MemorySizePoint Point, MemoryLandscape? Landscape);

/// <summary>Everything <c>diffdyn memory</c> measures.</summary>
public sealed record MemoryResult(string Clock, string Data, int D, string Score, MemoryOptions Options,
    double[] BasinLevels, IReadOnlyList<MemorySizePoint> Sizes, MemoryLandscape? Landscape, double? CriticalTime, double TotalSeconds);


/// <summary>
/// The associative-memory experiment on the exact empirical score (Pham et al. 2025, arXiv 2505.21777): for each training-set size n,
/// (1) the fixed points of ln P_t^e over a grid of t (training vs spurious, stability), (2) generated samples labelled memorized /
/// spurious / generalized, (3) basin sizes of generated samples. On the circle the ring radius is compared with
/// <see cref="CircleEnergy.MinimumRadius"/>. Each size depends on the options and the first n points only (<see cref="RunSize"/>),
/// so a sweep can persist sizes one by one and assemble them later (<see cref="Assemble"/>).
/// </summary>
public static class MemoryExperiment
{
    /// <summary>Units of progress per size (for a progress bar's total); <paramref name="model"/>: a model also searches its own fixed points.</summary>
    public static long UnitsPerSize(MemoryOptions o, bool model = false) => o.TimesOrDefault.Length + 1
        + (o.BasinPoints > 0 ? o.BasinsOrDefault.LevelsOrDefault.Length : 0) + (model ? ModelTimes(o).Length : 0);

    /// <summary>The times at which a model's own fixed points are searched: those of the grid at or above the generation's t_min.</summary>
    public static double[] ModelTimes(MemoryOptions o) => o.TimesOrDefault.Where(t => t >= o.TMin).ToArray();

    /// <summary>
    /// The fixed-point options for a float32 network: its map moves a converged point by rounding noise ≈ 10⁻⁷·|y| per step, so the
    /// convergence tolerance is raised to at least 10⁻³ h (the exact score's 10⁻⁶ h would never be met).
    /// </summary>
    public static FixedPointOptions ModelFixedPointOptions(FixedPointOptions o) => o with { Tolerance = Math.Max(o.Tolerance, 1e-3) };

    /// <summary>The size whose energy landscape is drawn: the one of <see cref="MemoryOptions.Sizes"/> nearest to LandscapeSize in log n.</summary>
    public static int LandscapeSizeOf(MemoryOptions o) => o.Sizes.MinBy(n => Math.Abs(Math.Log((double)n / o.LandscapeSize)));

    /// <summary>
    /// The generator per size of <c>memory --train</c>: a network (<paramref name="network"/>) trained on the subset into
    /// <paramref name="folder"/>/models/n-N, resuming from its checkpoint, and its EMA denoiser.
    /// </summary>
    /// <param name="progressFor">Training progress of the subset of size n (with the loss), or null.</param>
    public static Func<Dataset, IDenoiser> TrainedPerSize(NetworkOptions network, TrainingOptions training, string folder,
        Func<int, IProgress<TrainingProgress>?>? progressFor = null, CancellationToken cancellationToken = default) => subset =>
    {
        string dir = Path.Combine(folder, "models", $"n-{subset.Count}");
        Trainer.Train(subset, network, training, dir, resume: true, progressFor?.Invoke(subset.Count), cancellationToken);
        return Checkpoint.LoadDenoiser(dir, ema: true);
    };

    /// <summary>How the report names the networks of <see cref="TrainedPerSize"/>.</summary>
    public static string TrainedModelName(NetworkOptions network, TrainingOptions training) => $"trained {OptionTokens.Of(network.Kind)} network per size ({training.Steps} steps, EMA)";

    /// <summary>
    /// Runs the experiment on the first n points for each size; <paramref name="isCircle"/> adds the circle's ring-radius theory.
    /// <paramref name="modelFor"/> (optional) returns the denoiser that generates for a training subset (e.g. a network trained on it;
    /// disposed after use); the samples and basins then come from it, while the fixed points stay those of the exact ln P_t^e (the baseline).
    /// </summary>
    public static MemoryResult Run(Dataset data, MemoryOptions options, bool isCircle = false,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default,
        Func<Dataset, IDenoiser>? modelFor = null, string? modelName = null)
    {
        var clock = Stopwatch.StartNew();
        CheckSizes(data, options);
        var sizes = options.Sizes.Select(n => RunSize(data, options, n, isCircle, progress, cancellationToken, modelFor)).ToList();
        return Assemble(data, options, isCircle, sizes, modelName, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One size n (one of options.Sizes): fixed points, generated samples and their labels, basin sizes, and the landscape when n is
    /// <see cref="LandscapeSizeOf"/> and d = 2. Deterministic given (data, options, n) for the exact score, and for a model that is.
    /// </summary>
    public static MemorySizeResult RunSize(Dataset data, MemoryOptions options, int n, bool isCircle = false,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default, Func<Dataset, IDenoiser>? modelFor = null)
    {
        CheckSizes(data, options);
        if (!options.Sizes.Contains(n)) throw new ArgumentException($"size n = {n} is not one of the options' sizes [{string.Join(", ", options.Sizes)}].", nameof(n));
        var sizeClock = Stopwatch.StartNew();
        long total = UnitsPerSize(options, modelFor is not null), done = 0;
        string stage = $"n = {n}";
        using var scope = NewDisposeScope();
        var train = data.ToTensor(ScalarType.Float64).narrow(0, 0, n);
        using var exact = new EmpiricalDenoiser(train, new EmpiricalDenoiserOptions(Precision.Float64));
        double h = AssociativeMemory.MedianSpacing(train);
        if (!(h > 0)) throw new ArgumentException($"the first {n} points contain duplicates only (median spacing 0).", nameof(data));
        double deltaM = options.MemorizedRadius * h, deltaS = options.SpuriousRadius * h;

        // (1) Fixed points of ln P_t^e.
        var summaries = new List<FixedPointSummary>();
        FixedPointSet? landscapeSet = null;
        var startsAt = new Dictionary<double, Tensor>(); // the same starts serve a model's own search below
        foreach (var t in options.TimesOrDefault)
        {
            var starts = startsAt[t] = AssociativeMemory.Starts(train, t, options.FixedPointsOrDefault.Starts, options.Seed);
            var set = AssociativeMemory.FindFixedPoints(exact, t, starts, train, deltaM, h, options.FixedPointsOrDefault, cancellationToken);
            summaries.Add(Summary(set, isCircle));
            progress?.Report(new AnalysisProgress(stage + ": fixed points", ++done, total));
        }
        if (data.Dimension == 2 && n == LandscapeSizeOf(options))
        {
            var starts = AssociativeMemory.Starts(train, options.LandscapeTime, options.FixedPointsOrDefault.Starts, options.Seed);
            landscapeSet = AssociativeMemory.FindFixedPoints(exact, options.LandscapeTime, starts, train, deltaM, h, options.FixedPointsOrDefault, cancellationToken);
        }

        IDenoiser generator = exact;
        IDisposable? owned = null;
        if (modelFor is not null)
        {
            progress?.Report(new AnalysisProgress(stage + ": training", done, total));
            generator = modelFor(Subset(data, n));
            owned = generator as IDisposable;
        }
        using var ownedModel = owned;

        // (1b) The model's own fixed points, where it was trained.
        List<FixedPointSummary>? modelSummaries = null;
        if (modelFor is not null)
        {
            modelSummaries = [];
            var modelOptions = ModelFixedPointOptions(options.FixedPointsOrDefault);
            foreach (var t in ModelTimes(options))
            {
                modelSummaries.Add(Summary(AssociativeMemory.FindFixedPoints(generator, t, startsAt[t], train, deltaM, h, modelOptions, cancellationToken), isCircle));
                progress?.Report(new AnalysisProgress(stage + ": network fixed points", ++done, total));
            }
        }

        // (2) Generated samples, SDE from N(0, I) at TMax down to TMin, then D.
        var noise = NoiseSource.ForSamples(options.Seed, 0, options.Samples, data.Dimension);
        var x0 = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.UniformWithLogTail(options.TMax, options.TMin, options.SamplerSteps);
        var samples = TrajectoryRunner.Run(generator, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x0, noise, cancellationToken: cancellationToken);
        var labels = AssociativeMemory.LabelSamples(samples, train, deltaM, deltaS);
        progress?.Report(new AnalysisProgress(stage + ": samples", ++done, total));

        // (3) Basin sizes of the first generated samples, each with its own return radius.
        BasinSize[] basins = [];
        SampleKind[] kinds = [];
        if (options.BasinPoints > 0)
        {
            int p = Math.Min(options.BasinPoints, options.Samples);
            long before = done;
            var points = samples.narrow(0, 0, p);
            var radii = AssociativeMemory.ReturnRadii(points, train, deltaM, options.BasinsOrDefault.ReturnFraction);
            basins = AssociativeMemory.BasinSizes(generator, points, radii, options.BasinsOrDefault, options.Seed + 1,
                AnalysisProgress.Relay(progress, stage + ": basins", total, before), cancellationToken);
            kinds = labels.Kinds[..p];
        }

        var landscape = landscapeSet is null ? null : Landscape(train, landscapeSet, samples, n);
        double se = Math.Sqrt(0.25 / options.Samples);
        var point = new MemorySizePoint(n, h, deltaM, deltaS, labels.Share(SampleKind.Memorized), labels.Share(SampleKind.Spurious),
            labels.Share(SampleKind.Generalized), se, summaries, basins, kinds, BasinSummary.Of(basins),
            BasinSummary.Of(basins.Where((_, i) => kinds[i] == SampleKind.Memorized)), sizeClock.Elapsed.TotalSeconds, modelSummaries);
        return new MemorySizeResult(point, landscape);
    }

    /// <summary>The result from per-size results (any order; one per size of the options).</summary>
    public static MemoryResult Assemble(Dataset data, MemoryOptions options, bool isCircle, IReadOnlyList<MemorySizeResult> sizes,
        string? modelName, double totalSeconds)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sizes);
        var ordered = sizes.OrderBy(s => s.Point.N).ToList();
        if (!ordered.Select(s => s.Point.N).SequenceEqual(options.Sizes.Order()))
            throw new ArgumentException($"the per-size results [{string.Join(", ", ordered.Select(s => s.Point.N))}] do not match the sizes [{string.Join(", ", options.Sizes)}].", nameof(sizes));
        return new MemoryResult("OU time t", data.Name, data.Dimension, modelName ?? "exact empirical score", options,
            options.BasinPoints > 0 ? options.BasinsOrDefault.LevelsOrDefault : [], ordered.Select(s => s.Point).ToList(),
            ordered.Select(s => s.Landscape).FirstOrDefault(l => l is not null), isCircle ? CircleEnergy.CriticalTime : null, totalSeconds);
    }

    private static void CheckSizes(Dataset data, MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        foreach (var n in options.Sizes)
            if (n > data.Count) throw new ArgumentException($"size n = {n} exceeds the data's {data.Count} points.", nameof(options));
    }

    private static FixedPointSummary Summary(FixedPointSet set, bool isCircle)
    {
        double meanRadius = set.Points.Count == 0 ? double.NaN : set.Points.Average(p => Math.Sqrt(p.Point.Sum(v => v * v)));
        return new FixedPointSummary(set.T, set.Beta, set.Points.Count, set.TrainingCount, set.SpuriousCount,
            set.Points.Count(p => p.Stable == true), set.Converged, set.Starts, meanRadius,
            isCircle ? CircleEnergy.MinimumRadius(set.Beta) : null);
    }

    /// <summary>E on a 161×161 grid over the data's bounding box (enlarged by 25 %), rows bottom to top.</summary>
    private static MemoryLandscape Landscape(Tensor train, FixedPointSet set, Tensor samples, int n)
    {
        var a = train.data<double>().ToArray();
        double lo = Math.Min(a.Where((_, i) => i % 2 == 0).Min(), a.Where((_, i) => i % 2 == 1).Min());
        double hi = Math.Max(a.Where((_, i) => i % 2 == 0).Max(), a.Where((_, i) => i % 2 == 1).Max());
        double pad = 0.25 * (hi - lo);
        lo -= pad; hi += pad;
        const int g = 161;
        var xs = Enumerable.Range(0, g).Select(i => lo + (hi - lo) * i / (g - 1)).ToArray();
        var pts = new double[g * g * 2];
        for (int r = 0; r < g; r++)
            for (int c = 0; c < g; c++) { pts[2 * (r * g + c)] = xs[c]; pts[2 * (r * g + c) + 1] = xs[r]; }
        using var grid = TorchSharp.torch.tensor(pts, [g * g, 2], ScalarType.Float64);
        var energy = AssociativeMemory.Energy(grid, train, set.Beta);
        return new MemoryLandscape(n, set.T, set.Beta, xs, xs, energy, train.to_type(ScalarType.Float32).data<float>().ToArray(),
            set.Points, samples.to_type(ScalarType.Float32).data<float>().ToArray());
    }

    private static Dataset Subset(Dataset data, int n) =>
        new(data.Values[..(n * data.Dimension)].ToArray(), n, data.Dimension, itemShape: data.ItemShape, name: $"{data.Name} (first {n})");

}
