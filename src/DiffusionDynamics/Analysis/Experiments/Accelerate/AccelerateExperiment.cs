using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Sample quality at a fixed budget (docs/theory.md §5): for every sampler and budget N, generate S samples from the
/// baseline start and from the Gaussian shortcuts (teleport to t_skip, Gaussian late start at t_skip), measure the
/// Fréchet distance of each set to held-out reference data in a fixed feature space, its bootstrap error, the memorized
/// share and the wall time, then the fraction of steps the shortcut saves at equal FD (GSA arXiv 2412.09726,
/// HLS arXiv 2311.10892, SSB arXiv 2305.19693). The FD floor (a perfect sampler with S samples) is measured on random
/// training subsets of size S and compared with its Gaussian leading-order value.
/// </summary>
public static class AccelerateExperiment
{
    private const int PreviewCount = 8;

    /// <summary>Grid steps for a budget of N evaluations including the final denoise: ⌊(N − 1)/e⌋ (≥ 1).</summary>
    public static int StepsFor(SamplerKind kind, int nfe) => Math.Max(1, (nfe - 1) / SamplerRegistry.Get(kind).EvaluationsPerStep);

    /// <summary>The NFE of <paramref name="steps"/> steps plus the final denoise.</summary>
    public static int NfeOf(SamplerKind kind, int steps) => SamplerRegistry.Get(kind).DenoiserEvaluations(steps);

    /// <summary>The grid of the sweep from <paramref name="start"/> down to t_min with <paramref name="steps"/> steps.</summary>
    public static TimeGrid Grid(AccelerationGrid kind, double start, double tMin, int steps) => kind switch
    {
        AccelerationGrid.Karras => TimeGrid.Karras(EdmSigma.FromTime(tMin), EdmSigma.FromTime(start), steps),
        AccelerationGrid.Uniform => TimeGrid.Uniform(start, tMin, steps),
        _ => TimeGrid.LogSnr(start, tMin, steps),
    };

    /// <summary>Runs the sweep: <see cref="Prepare"/>, every cell of <see cref="Cells"/> (<see cref="RunCell"/>), <see cref="Assemble"/>.</summary>
    /// <param name="training">The training set (the empirical score's, the Gaussian fit's, the memorization test's).</param>
    /// <param name="reference">Held-out data of the same distribution (the FD reference and, for PCA, the feature fit).</param>
    /// <param name="score">The sampling denoiser; null: the exact empirical score of <paramref name="training"/>.</param>
    /// <param name="scoreName">How the report names the denoiser.</param>
    public static AccelerateResult Run(Dataset training, Dataset reference, AccelerateOptions options, IDenoiser? score = null,
        string scoreName = "exact empirical score", IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var total = Stopwatch.StartNew();
        using var setup = Prepare(training, reference, options, score, progress, cancellationToken);
        var cells = Cells(options);
        long work = cells.Sum(c => (long)NfeOf(c.Sampler, StepsFor(c.Sampler, c.Nfe)) * options.Samples);
        long done = 0;
        var runs = new List<AccelerationRun>();
        var sw = Stopwatch.StartNew();
        for (int k = 0; k < cells.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long before = done;
            var run = RunCell(setup, k, new InlineProgress<long>(units => progress?.Report(new AnalysisProgress("sampling", before + units, work))), cancellationToken);
            done += (long)run.Nfe * options.Samples;
            runs.Add(run);
        }
        return Assemble(training, reference, options, scoreName, setup.Shared, runs, sw.Elapsed.TotalSeconds, total.Elapsed.TotalSeconds);
    }

    /// <summary>The data the sweep needs: a reference set of the data's dimension, and labelled images for the CNN feature space.</summary>
    public static void CheckInputs(Dataset data, Dataset reference, AccelerateOptions options)
    {
        if (reference.Dimension != data.Dimension)
            throw OptionMessage.Argument($"The reference set ({reference.Name}) of {{Reference}} has d = {reference.Dimension}, the data d = {data.Dimension}.", "Reference");
        if (options.Features.Kind == FeatureSpaceKind.Cnn && (!data.IsImage || data.Labels is null))
            throw OptionMessage.Argument($"{{Features}} cnn needs labelled image data; {data.Name} is {(data.IsImage ? "unlabelled" : "not image data")} (use pca:K or identity).", "Features");
    }

    /// <summary>
    /// The cells of the sweep in their fixed order — sampler (as given, distinct), start (baseline, then the accelerations), budget
    /// (ascending) — the points of a sharded run.
    /// </summary>
    /// <summary>The label of every cell of <see cref="Cells"/> ("sampler,start,nfe=N"), as sweeps and shards list them.</summary>
    public static List<string> CellLabels(AccelerateOptions options) =>
        Cells(options).Select(c => $"{SamplerRegistry.Get(c.Sampler).Token},{c.Start},nfe={c.Nfe}").ToList();

    /// <summary>Denoiser evaluations of cell k over all its samples: the progress total of <see cref="RunCell"/>.</summary>
    public static long CellWork(AccelerateOptions options, int k)
    {
        var cell = Cells(options)[k];
        return (long)NfeOf(cell.Sampler, StepsFor(cell.Sampler, cell.Nfe)) * options.Samples;
    }

    /// <summary>The stage timings a run's manifest records.</summary>
    public static Dictionary<string, double> Timings(AccelerateResult result) => new()
    {
        ["tSkip"] = result.Run.SkipSeconds, ["features"] = result.Run.FeatureSeconds, ["sampling"] = result.Run.SamplingSeconds, ["analysis"] = result.Run.TotalSeconds,
    };

    public static IReadOnlyList<(SamplerKind Sampler, AccelerationStart Start, int Nfe)> Cells(AccelerateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var starts = new[] { AccelerationStart.Baseline }.Concat(options.Accelerations.Distinct()).ToArray();
        var budgets = options.Nfe.Distinct().Order().ToArray();
        return options.Samplers.Distinct().SelectMany(kind => starts.SelectMany(start => budgets.Select(nfe => (kind, start, nfe)))).ToList();
    }

    /// <summary>
    /// What every cell shares, computed deterministically from the data and the options (so each shard of a sharded run computes the
    /// same): t_skip (given, emergence time, or the explained-variance rule), the feature space, the reference moments and the FD floor.
    /// </summary>
    public static AccelerateSetup Prepare(Dataset training, Dataset reference, AccelerateOptions options, IDenoiser? score = null,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (reference.Dimension != training.Dimension)
            throw new ArgumentException($"The reference set has d = {reference.Dimension}, the training set d = {training.Dimension}.", nameof(reference));
        if (reference.Count < 2) throw new ArgumentException($"The reference set needs ≥ 2 points (got {reference.Count}).", nameof(reference));
        if (training.Count < 2) throw new ArgumentException($"The training set needs ≥ 2 points (got {training.Count}).", nameof(training));
        if (score is not null && score.Dimension != training.Dimension)
            throw new ArgumentException($"The denoiser works in d = {score.Dimension}, the data have d = {training.Dimension}.", nameof(score));
        Backend.TorchRuntime.EnsureInitialized();
        var setup = new AccelerateSetup(options, training.ToTensor());
        try
        {
            setup.Empirical = score is null ? new EmpiricalDenoiser(setup.TrainingSet, new EmpiricalDenoiserOptions(options.Precision, PruneTolerance: options.PruneTolerance)) : null;
            setup.Denoiser = score ?? setup.Empirical!;
            setup.Gaussian = GaussianDenoiser.FromData(training);

            // t_skip: given, the emergence time of the top mode, or the explained-variance rule; EV(t) is measured for the report
            // unless t_skip is given.
            var sw = Stopwatch.StartNew();
            SkipTime skip;
            if (options.TSkip is double given)
                skip = new SkipTime(given, "given (t_skip set in the options)", null, AccelerationStarts.LogSnrFraction(given, options.TMax, options.TMin), []);
            else
            {
                skip = AccelerationStarts.ExplainedVarianceRule(setup.Denoiser, setup.Gaussian, setup.TrainingSet, options.TMax, options.TMin,
                    options.ExplainedVarianceThreshold, options.ExplainedVarianceSamples, seed: options.Seed,
                    progress: AnalysisProgress.Relay(progress, "t_skip (explained variance)", 24));
                if (options.SkipRule == SkipRule.Emergence)
                {
                    double t = AccelerationStarts.EmergenceTime(setup.Gaussian, options.TMax, options.TMin);
                    skip = new SkipTime(t, $"emergence time of the top mode, ½ ln(1 + λ_max), λ_max = {setup.Gaussian.Eigenvalues[0]:G4}", null,
                        AccelerationStarts.LogSnrFraction(t, options.TMax, options.TMin), skip.Curve);
                }
            }
            double skipSeconds = sw.Elapsed.TotalSeconds;
            cancellationToken.ThrowIfCancellationRequested();

            // Features, reference moments, floor.
            sw.Restart();
            progress?.Report(new AnalysisProgress("features and FD floor", 0, 1));
            setup.Features = FeatureSpace.Create(options.Features, training, reference);
            using (var refFeatures = FeatureSpace.MapAll(setup.Features, reference))
                setup.ReferenceMoments = FeatureMoments.Of(refFeatures);
            var floor = Floor(setup.Features, setup.TrainingSet, setup.ReferenceMoments, options);
            progress?.Report(new AnalysisProgress("features and FD floor", 1, 1));
            setup.Shared = new AccelerateShared(skip, floor, setup.Features.Description, setup.Features.Dimension, skipSeconds, sw.Elapsed.TotalSeconds);
            return setup;
        }
        catch
        {
            setup.Dispose();
            throw;
        }
    }

    /// <summary>Cell <paramref name="index"/> of <see cref="Cells"/>: S samples generated and measured (progress in denoiser evaluations).</summary>
    public static AccelerationRun RunCell(AccelerateSetup setup, int index, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var cells = Cells(setup.Options);
        if (index < 0 || index >= cells.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The sweep has {cells.Count} cells.");
        var (kind, start, nfe) = cells[index];
        return RunOne(setup.Denoiser, setup.Gaussian, setup.TrainingSet, setup.Features, setup.ReferenceMoments, kind, start, nfe, setup.Shared.Skip.Value,
            setup.Options, units => progress?.Report(units), cancellationToken);
    }

    /// <summary>The result from the shared setup and the cells' runs (in the order of <see cref="Cells"/>): the steps saved at equal FD per sampler and shortcut.</summary>
    public static AccelerateResult Assemble(Dataset training, Dataset reference, AccelerateOptions options, string scoreName, AccelerateShared shared,
        IReadOnlyList<AccelerationRun> runs, double samplingSeconds, double totalSeconds)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentNullException.ThrowIfNull(runs);
        var cells = Cells(options);
        if (runs.Count != cells.Count || runs.Where((r, k) => (r.Sampler, r.Start, r.NominalNfe) != cells[k]).Any())
            throw new ArgumentException($"Expected the {cells.Count} cells of the sweep in order.", nameof(runs));
        var starts = new[] { AccelerationStart.Baseline }.Concat(options.Accelerations.Distinct()).ToArray();
        var saved = new List<StepsSaved>();
        foreach (var kind in options.Samplers.Distinct())
        {
            var baseline = runs.Where(r => r.Sampler == kind && r.Start == AccelerationStart.Baseline).Select(r => ((double)r.Nfe, r.Fd)).ToArray();
            foreach (var start in starts.Skip(1))
            {
                var accelerated = runs.Where(r => r.Sampler == kind && r.Start == start).Select(r => ((double)r.Nfe, r.Fd)).ToArray();
                saved.Add(AccelerationStepsSaved.Compute(kind, start, baseline, accelerated, shared.Floor.Fd + 2 * shared.Floor.Sd));
            }
        }
        return new AccelerateResult("OU time t",
            new AccelerationData(training.Name, training.Count, training.Dimension, reference.Name, reference.Count, training.Preprocessing),
            scoreName, shared.Features, shared.FeatureDimension, shared.Skip, shared.Floor, runs, saved,
            new AccelerationRunInfo(options.Samples, options.Bootstrap, options.Seed, OptionTokens.Of(options.Grid), options.TMax, options.TMin,
                OptionTokens.Of(options.BaseStart), shared.SkipSeconds, shared.FeatureSeconds, samplingSeconds, totalSeconds))
        { ItemShape = training.ItemShape };
    }

    /// <summary>
    /// Generates the S samples of one cell in batches (sample i always uses stream (seed, i): the baseline and the teleport
    /// share x(T); the late start draws from the independent streams (seed ⊕ salt, i)) and measures them.
    /// </summary>
    private static AccelerationRun RunOne(IDenoiser denoiser, GaussianDenoiser gaussian, Tensor trainingSet, IFeatureSpace features,
        FeatureMoments reference, SamplerKind kind, AccelerationStart start, int budget, double tSkip, AccelerateOptions o,
        Action<long> report, CancellationToken cancellationToken)
    {
        int d = denoiser.Dimension, steps = StepsFor(kind, budget), nfe = NfeOf(kind, steps);
        double from = start == AccelerationStart.Baseline ? o.TMax : tSkip;
        var grid = Grid(o.Grid, from, o.TMin, steps);
        var samples = new float[(long)o.Samples * d];
        var sw = Stopwatch.StartNew();
        // Sample i uses stream (seed, i): the baseline and the teleport share x(T); the late start uses (seed ⊕ salt, i).
        var trajectoryStart = start == AccelerationStart.GaussianLateStart
            ? TrajectoryStart.Custom(noise => Start.GaussianMarginal(gaussian, tSkip, noise))
            : TrajectoryStart.Custom(noise =>
            {
                var x = o.BaseStart == StartKind.Noise ? Start.FromNoise(noise) : Start.FromForwardMarginal(trainingSet, o.TMax, noise).X;
                return start == AccelerationStart.Teleport ? gaussian.Transport(x, o.TMax, tSkip) : x;
            });
        var batches = new SampleBatches(o.Samples, o.Batch, start == AccelerationStart.GaussianLateStart ? o.Seed ^ LateStartSalt : o.Seed) { Start = trajectoryStart };
        var handler = new TrajectoryCallbacks
        {
            OnFinal = (batch, result) => result.to_type(ScalarType.Float32).contiguous().data<float>().CopyTo(samples, (int)batch.FirstId * d),
        };
        // Progress in denoiser evaluations: the runner's grid steps · NFE/step · batch, plus the final denoise of the batches done.
        int perStep = SamplerRegistry.Get(kind).EvaluationsPerStep;
        var stepProgress = new InlineProgress<long>(doneSteps =>
        {
            long batchesDone = doneSteps / grid.Steps, samplesDone = Math.Min(o.Samples, batchesDone * o.Batch);
            long current = Math.Min(o.Batch, o.Samples - samplesDone);
            report(samplesDone * nfe + (doneSteps - batchesDone * grid.Steps) * perStep * current);
        });
        TrajectoryRunner.RunBatches(denoiser, new TrajectoryRequest(kind), grid, batches, handler, stepProgress, cancellationToken);
        double seconds = sw.Elapsed.TotalSeconds;

        using var scope2 = NewDisposeScope();
        var sampleTensor = torch.tensor(samples, [o.Samples, d]);
        var fd = FrechetDistance.ToReference(features.Map(sampleTensor), reference, o.Bootstrap, o.Seed);
        double memorized = NearestNeighbours.Find(sampleTensor, trainingSet).MemorizedFraction();
        return new AccelerationRun(kind, start, budget, nfe, steps, from, fd.Fd, fd.Stderr, memorized, seconds)
        { Preview = samples.AsSpan(0, Math.Min(PreviewCount, o.Samples) * d).ToArray() };
    }

    /// <summary>Noise salt of the late start, so its draws are independent of the baseline's x(T).</summary>
    private const long LateStartSalt = 0x5EED_1A7E;

    /// <summary>
    /// FD of training subsets of size S to the reference: disjoint subsets from one seeded permutation when n ≥ 2S (up to
    /// <see cref="AccelerateOptions.FloorSubsets"/> of them), so they are independent draws; otherwise overlapping random
    /// subsets (their spread then underestimates the scatter of independent sets; <see cref="FdFloor.Disjoint"/> = false).
    /// </summary>
    private static FdFloor Floor(IFeatureSpace features, Tensor trainingSet, FeatureMoments reference, AccelerateOptions o)
    {
        int n = (int)trainingSet.shape[0], s = Math.Min(o.Samples, n);
        bool disjoint = n / s >= 2;
        int count = disjoint ? Math.Min(o.FloorSubsets, n / s) : o.FloorSubsets;
        var values = new double[count];
        var permutation = Permutation(n, Xoshiro.ForStream(o.Seed ^ FloorSalt, 0));
        for (int r = 0; r < count; r++)
        {
            using var scope = NewDisposeScope();
            var rows = disjoint ? permutation.AsSpan(r * s, s).ToArray() : Permutation(n, Xoshiro.ForStream(o.Seed ^ FloorSalt, 1 + r))[..s];
            var subset = trainingSet.index_select(0, torch.tensor(rows.Select(i => (long)i).ToArray()));
            values[r] = FrechetDistance.ToReference(features.Map(subset), reference, 0).Fd;
        }
        double mean = values.Average();
        double sd = SampleStatistics.StandardDeviation(values, mean);
        double[] eig;
        using (var scope = NewDisposeScope())
            eig = torch.linalg.eigvalsh(reference.Covariance).clamp_min(0.0).data<double>().ToArray();
        double theory = FrechetDistance.SamePopulationBias(eig, s, reference.Count);
        return new FdFloor(mean, sd, sd / Math.Sqrt(values.Length), values.Length, s, reference.Count, theory, disjoint);
    }

    private static int[] Permutation(int n, Xoshiro rng)
    {
        var p = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private const long FloorSalt = 0xF1_00_12;

}
