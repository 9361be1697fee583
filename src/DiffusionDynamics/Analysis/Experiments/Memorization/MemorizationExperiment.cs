using DiffusionDynamics.Random;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Options of the evaluation of one trained model in a memorization sweep.</summary>
/// <param name="Samples">Generated samples per model. Range: ≥ 2.</param>
/// <param name="Steps">Euler–Maruyama steps from T to t_min. Range: ≥ 1.</param>
/// <param name="TMax">Start time T.</param>
/// <param name="TMin">Last grid time t_min.</param>
/// <param name="ScoreTimes">Times at which the learned score is compared with the empirical one (default 8 geometric in [0.01, 3]).</param>
/// <param name="ScoreSamples">Draws per time for that comparison. Range: ≥ 2.</param>
/// <param name="Seed">Seed of samples and draws.</param>
public sealed record MemorizationOptions(int Samples = 64, int Steps = 200, double TMax = 10.0, double TMin = 1e-3,
    double[]? ScoreTimes = null, int ScoreSamples = 256, long Seed = 0)
{
    public double[] Times => ScoreTimes ?? Enumerable.Range(0, 8).Select(i => 0.01 * Math.Pow(300, i / 7.0)).ToArray();

    public void Validate()
    {
        if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Samples must be ≥ 2.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be ≥ 1.");
        if (ScoreSamples < 2) throw new ArgumentOutOfRangeException(nameof(ScoreSamples), ScoreSamples, "Score samples must be ≥ 2.");
        if (!double.IsFinite(TMin) || TMin <= 0) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (!double.IsFinite(TMax) || TMax <= TMin) throw new ArgumentOutOfRangeException(nameof(TMax), TMax, $"T must be finite and > t_min = {TMin}.");
        foreach (var t in Times) OuTime.RequirePositive(t, nameof(ScoreTimes));
    }
}

/// <summary>What one trained model does with its training set of size n.</summary>
/// <param name="N">Training-set size.</param>
/// <param name="MemorizedFraction">Share of generated samples that copy a training point (d₁/d₂ &lt; 1/3).</param>
/// <param name="MemorizedStderr">Binomial standard error.</param>
/// <param name="LastChangeMean">Mean t̂_C (last change of the nearest training point along trajectories).</param>
/// <param name="LastChangeStd">Its spread over trajectories.</param>
/// <param name="GaussianCollapseTime">t_C predicted for isotropic Gaussian data with this n, d and σ² = tr C/d.</param>
/// <param name="ScoreDistance">E|s_θ − s_e|²/E|s_e|² over t: how far the learned score is from the exact empirical one.</param>
/// <param name="Training">Training summary (steps, loss, seconds), filled by the caller.</param>
/// <param name="SpectrumCollapseTime">t_C of the Gaussian with the training set's covariance spectrum (<see cref="ExcessEntropy.AnisotropicCollapseTime"/>;
/// null above d = <see cref="CovarianceSpectrum.FullSpectrumMaxDimension"/>). For anisotropic data it is the relevant prediction: the isotropic
/// one spreads the variance over all d directions.</param>
public sealed record MemorizationPoint(int N, double MemorizedFraction, double MemorizedStderr, double LastChangeMean, double LastChangeStd,
    double GaussianCollapseTime, IReadOnlyList<ScoreDistancePoint> ScoreDistance, MemorizationTraining? Training = null, double? SpectrumCollapseTime = null);

/// <summary>Training summary of one model of a sweep.</summary>
public sealed record MemorizationTraining(int Steps, double FinalLoss, double Seconds, long Parameters, string Checkpoint);

/// <summary>The sweep: one point per training-set size.</summary>
public sealed record MemorizationResult(string Clock, string Data, int D, IReadOnlyList<MemorizationPoint> Points);

/// <summary>
/// Memorization of trained networks as a function of the training-set size n (Biroli et al. 2024, arXiv 2402.18491,
/// Sec. 5; Achilli et al. 2410.08727): a network trained on few data reproduces the empirical score and copies
/// training points; on many data it generalizes. <see cref="Evaluate"/> measures one trained model.
/// </summary>
public static class MemorizationExperiment
{
    /// <summary>
    /// One size of the sweep: trains a network on <paramref name="data"/> into <paramref name="modelDir"/> (resuming from its checkpoint),
    /// then evaluates its EMA model (<see cref="Evaluate"/>); the point records the training.
    /// </summary>
    /// <param name="trainingProgress">Training steps (with the loss).</param>
    /// <param name="samplingProgress">Sampler steps of the evaluation, of <see cref="MemorizationOptions.Steps"/>.</param>
    public static MemorizationPoint RunSize(Dataset data, NetworkOptions network, TrainingOptions training, MemorizationOptions evaluation, string modelDir,
        IProgress<TrainingProgress>? trainingProgress = null, IProgress<long>? samplingProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var trained = Trainer.Train(data, network, training, modelDir, resume: true, trainingProgress, cancellationToken);
        using var model = Checkpoint.LoadDenoiser(modelDir, ema: true);
        return Evaluate(data, model, evaluation, samplingProgress, cancellationToken)
            with { Training = new MemorizationTraining(trained.Steps, trained.FinalLoss, trained.Seconds, trained.ParameterCount, trained.CheckpointPath) };
    }

    /// <summary>
    /// The whole sweep from the library: per size (ascending) a network trained into <paramref name="folder"/>/n-N and evaluated
    /// (<see cref="RunSize"/>); sizes already in <paramref name="store"/> (default: none) are kept. Progress: "n = N training" (steps)
    /// and "n = N sampling" (sampler steps).
    /// </summary>
    public static MemorizationResult Run(IReadOnlyDictionary<int, Dataset> trainingSets, Func<Dataset, NetworkOptions> networkFor, TrainingOptions training,
        MemorizationOptions evaluation, string folder, ISweepStore<MemorizationPoint>? store = null, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trainingSets);
        var sizes = trainingSets.Keys.Order().ToArray();
        if (sizes.Length == 0) throw new ArgumentException("Give at least one training set.", nameof(trainingSets));
        var points = SizeSweep.Run(sizes, store ?? new InMemorySweepStore<MemorizationPoint>(), n => RunSize(trainingSets[n], networkFor(trainingSets[n]), training, evaluation,
            Path.Combine(folder, $"n-{n}"),
            progress is null ? null : new InlineProgress<TrainingProgress>(p => progress.Report(new AnalysisProgress($"n = {n} training", p.Step, p.TotalSteps))),
            AnalysisProgress.Relay(progress, $"n = {n} sampling", evaluation.Steps), cancellationToken), cancellationToken: cancellationToken);
        return Assemble(trainingSets[sizes[0]], points);
    }

    /// <summary>The sweep's result from its finished points (ascending n) on training sets like <paramref name="first"/>.</summary>
    public static MemorizationResult Assemble(Dataset first, IReadOnlyList<MemorizationPoint> points) =>
        new("OU time t", first.Name, first.Dimension, points);

    /// <param name="training">The n training points the model was trained on.</param>
    /// <param name="model">The trained denoiser.</param>
    public static MemorizationPoint Evaluate(Dataset training, IDenoiser model, MemorizationOptions options, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (model.Dimension != training.Dimension)
            throw new ArgumentException($"The model works in d = {model.Dimension}, the data have d = {training.Dimension}.", nameof(model));
        using var scope = NewDisposeScope();
        var a = training.ToTensor();
        int d = training.Dimension;

        // Generated samples, with μ*(t) tracked along the way.
        var grid = TimeGrid.UniformWithLogTail(options.TMax, options.TMin, options.Steps);
        var noise = NoiseSource.ForSamples(options.Seed, 0, options.Samples, d);
        using var tracker = new NearestPointTracker(a, options.Samples);
        var samples = TrajectoryRunner.Run(model, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, Start.FromNoise(noise), noise, tracker, progress, cancellationToken);
        var neighbours = NearestNeighbours.Find(samples, a);
        double memorized = neighbours.MemorizedFraction();
        var lastChange = tracker.LastChange;
        double lcMean = lastChange.Average();
        double lcStd = SampleStatistics.StandardDeviationOrZero(lastChange, lcMean);

        // Distance of the learned score to the exact empirical score.
        using var empirical = new EmpiricalDenoiser(a);
        var distance = options.Times.Select(t => ScoreComparison.RelativeError(empirical, model, a, t, options.ScoreSamples, options.Seed)).ToArray();

        double meanVariance = (a - a.mean([0])).square().mean().item<float>();
        double tC = training.Count >= 2 ? ExcessEntropy.GaussianCollapseTime(training.Count, d, Math.Sqrt(meanVariance)) : double.PositiveInfinity;
        double? tCSpectrum = training.Count >= 2 && d <= CovarianceSpectrum.FullSpectrumMaxDimension
            ? ExcessEntropy.AnisotropicCollapseTime(training.Count, d, CovarianceSpectrum.Eigenvalues(a))
            : null;
        return new MemorizationPoint(training.Count, memorized, Math.Sqrt(memorized * (1 - memorized) / options.Samples), lcMean, lcStd, tC, distance,
            SpectrumCollapseTime: tCSpectrum);
    }
}
