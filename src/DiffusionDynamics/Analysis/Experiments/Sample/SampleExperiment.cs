using DiffusionDynamics.Random;
using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>The time grid of a sampling run (all in OU time; see <see cref="TimeGrid"/>).</summary>
public enum SamplingGrid
{
    /// <summary>Uniform in t from T down to min(0.2, T/2) in Steps steps, then 20 log-spaced steps to t_min (default).</summary>
    UniformWithLogTail,
    /// <summary>Uniform in the log-SNR between T and t_min, Steps steps (the grid of DPM-Solver, arXiv 2206.00927).</summary>
    LogSnr,
    /// <summary>
    /// The DDPM linear table (Ho et al., arXiv 2006.11239: K = 1000, β 1e−4 → 0.02) at Steps evenly spaced table steps
    /// (<see cref="TimeGrid.FromSchedule"/>): T = t_999 ≈ 5.06, t_min = t_0 ≈ 5e−5; TMax and TMin do not apply.
    /// </summary>
    DdpmLinear,
}

/// <summary>Options of a sampling run with the exact empirical score (defaults: Biroli et al. 2024, T = 10, 200 SDE steps).</summary>
/// <param name="Samples">Number of generated samples. Range: ≥ 1.</param>
/// <param name="Sampler">Integrator.</param>
/// <param name="TMax">Start time T. Range: &gt; TMin.</param>
/// <param name="TMin">Last grid time t_min &gt; 0; the output is D(x(t_min), t_min) when <paramref name="FinalDenoise"/>.</param>
/// <param name="Steps">Grid steps: with the default grid, uniform steps from T down to min(0.2, T/2), followed by 20
/// log-spaced steps down to t_min. Range: ≥ 1 (≤ 999 for the DDPM grid).</param>
/// <param name="Start">Start rule (null: x(T) ~ N(0, I)). With teleport or Gaussian late start the sampler runs only the
/// part of the grid below t_skip (fewer steps; NFE counts the steps run, the jump costs none).</param>
/// <param name="Batch">Samples per batch (results do not depend on it). Range: ≥ 1.</param>
/// <param name="Precision">Arithmetic of the empirical denoiser.</param>
/// <param name="FinalDenoise">End with the posterior-mean jump to t = 0.</param>
/// <param name="Seed">Run seed; sample i uses stream (Seed, i).</param>
/// <param name="GridKind">The time grid (default: uniform with a log tail).</param>
/// <param name="DdimEta">DDIM's η ∈ [0, 1]: 0 deterministic DDIM, 1 DDPM's posterior noise (<see cref="SamplerSteps.DdimEta"/>); only with the DDIM sampler.</param>
/// <param name="PruneTolerance">Certified pruning of the empirical score (<see cref="EmpiricalDenoiserOptions.PruneTolerance"/>; 0: dense, bit for bit).</param>
public sealed record SampleOptions(
    int Samples = 64,
    SamplerKind Sampler = SamplerKind.EulerMaruyama,
    double TMax = 10.0,
    double TMin = 1e-3,
    int Steps = 200,
    StartOptions? Start = null,
    int Batch = 256,
    Precision Precision = Precision.Float32,
    bool FinalDenoise = true,
    long Seed = 0,
    SamplingGrid GridKind = SamplingGrid.UniformWithLogTail,
    double DdimEta = 0,
    double PruneTolerance = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Samples < 1) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Samples must be ≥ 1.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be ≥ 1.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
        if (!double.IsFinite(TMin) || TMin <= 0) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (!double.IsFinite(TMax) || TMax <= TMin) throw new ArgumentOutOfRangeException(nameof(TMax), TMax, $"T must be finite and > t_min = {TMin}.");
        if (!Enum.IsDefined(Sampler)) throw new ArgumentOutOfRangeException(nameof(Sampler), Sampler, "Unknown sampler.");
        if (!Enum.IsDefined(GridKind)) throw new ArgumentOutOfRangeException(nameof(GridKind), GridKind, "Unknown grid.");
        if (!(DdimEta >= 0 && DdimEta <= 1)) throw new ArgumentOutOfRangeException(nameof(DdimEta), DdimEta, "DDIM's η must lie in [0, 1].");
        if (DdimEta > 0 && Sampler != SamplerKind.Ddim) throw new ArgumentOutOfRangeException(nameof(DdimEta), DdimEta, $"η applies to the DDIM sampler only (got {Sampler}).");
        if (GridKind == SamplingGrid.DdpmLinear && Steps > DdpmLinearSchedule.DefaultSteps - 1)
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"The DDPM grid has at most {DdpmLinearSchedule.DefaultSteps - 1} steps.");
        StartRule.Validate(FullGrid());
    }

    /// <summary>The start rule (<see cref="StartOptions.Noise"/> when <see cref="Start"/> is null).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public StartOptions StartRule => Start ?? StartOptions.Noise;

    /// <summary>The full grid from T (<see cref="GridKind"/>).</summary>
    public TimeGrid FullGrid() => GridKind switch
    {
        SamplingGrid.LogSnr => TimeGrid.LogSnr(TMax, TMin, Steps),
        SamplingGrid.DdpmLinear => TimeGrid.FromSchedule(DdpmLinearSchedule.Default, Steps),
        _ => TimeGrid.UniformWithLogTail(TMax, TMin, Steps),
    };

    /// <summary>The grid the sampler runs on: <see cref="FullGrid"/>, or its part below t_skip for teleport and Gaussian late start.</summary>
    public TimeGrid SamplerGrid() => StartRule.UsesGaussian ? FullGrid().Below(StartRule.TimeSkip!.Value) : FullGrid();

    /// <summary>Denoiser evaluations per sample: steps run · per-step NFE (+1 for the final denoise).</summary>
    public int DenoiserEvaluations() => SamplerRegistry.Get(Sampler).DenoiserEvaluations(SamplerGrid().Steps, FinalDenoise);
}

/// <summary>Generated samples and their relation to the training set.</summary>
/// <param name="Samples">Generated samples, row-major [S, d] float32.</param>
/// <param name="Dimension">d.</param>
/// <param name="Neighbours">Nearest and second-nearest training points of each sample.</param>
/// <param name="MemorizedFraction">Share with nearest/second-nearest ratio &lt; 1/3.</param>
/// <param name="SamplingSeconds">Wall time of the backward runs.</param>
/// <param name="DenoiserEvaluations">Denoiser calls per sample (NFE).</param>
/// <param name="GaussianFitSeconds">Wall time of fitting the data's Gaussian (mean, covariance, eigendecomposition) for
/// teleport / Gaussian late start, once per run (0 when not needed or supplied).</param>
public sealed record SampleResult(float[] Samples, int Dimension, NearestNeighbourResult Neighbours, double MemorizedFraction,
    double SamplingSeconds, int DenoiserEvaluations, double GaussianFitSeconds = 0)
{
    /// <summary>Number of samples S.</summary>
    public int Count => Samples.Length / Dimension;

    /// <summary>Sample i as a new array.</summary>
    public float[] Sample(int i) => Samples.AsSpan(i * Dimension, Dimension).ToArray();
}

/// <summary>Generates samples from a dataset with its exact empirical score (docs/theory.md §2–§3) and checks them for copies.</summary>
public static class SampleExperiment
{
    /// <param name="progress">Receives the number of completed grid steps summed over batches (total = ⌈S/batch⌉ · SamplerGrid().Steps).</param>
    /// <param name="gaussian">The data's Gaussian for teleport / Gaussian late start; by default fitted once per run from the
    /// data (full covariance for d ≤ 1000, else its top 1000 eigenpairs).</param>
    /// <param name="model">A trained denoiser of the same data to sample with instead of the exact empirical score.</param>
    public static SampleResult Run(Dataset data, SampleOptions options, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default, IDenoiser? model = null, GaussianDenoiser? gaussian = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var trainingSet = data.ToTensor();
        if (model is not null && model.Dimension != data.Dimension)
            throw new ArgumentException($"The model works in d = {model.Dimension}, the data have d = {data.Dimension}.", nameof(model));
        using var empirical = model is null ? new EmpiricalDenoiser(trainingSet, new EmpiricalDenoiserOptions(options.Precision, PruneTolerance: options.PruneTolerance)) : null;
        IDenoiser denoiser = model ?? empirical!;
        var grid = options.FullGrid();
        var start = options.StartRule;
        int d = data.Dimension;
        if (gaussian is not null && gaussian.Dimension != d)
            throw new ArgumentException($"The Gaussian works in d = {gaussian.Dimension}, the data have d = {d}.", nameof(gaussian));
        var fitClock = Stopwatch.StartNew();
        using var fitted = start.UsesGaussian && gaussian is null ? GaussianDenoiser.FromData(data, d <= 1000 ? null : 1000) : null;
        double fitSeconds = fitted is null ? 0 : fitClock.Elapsed.TotalSeconds;
        var dataGaussian = gaussian ?? fitted;
        var samples = new float[options.Samples * d];
        var sw = Stopwatch.StartNew();
        var request = new TrajectoryRequest(options.Sampler) { DdimEta = options.DdimEta, FinalDenoise = options.FinalDenoise };
        var batches = new SampleBatches(options.Samples, options.Batch, options.Seed) { Start = TrajectoryStart.FromRule(start, trainingSet, dataGaussian) };
        TrajectoryRunner.RunBatches(denoiser, request, grid, batches, new SampleCollector(samples, d), progress, cancellationToken);
        double seconds = sw.Elapsed.TotalSeconds;
        using var sampleTensor = torch.tensor(samples, [options.Samples, d]);
        var neighbours = NearestNeighbours.Find(sampleTensor, trainingSet);
        int nfe = options.DenoiserEvaluations();
        return new SampleResult(samples, d, neighbours, neighbours.MemorizedFraction(), seconds, nfe, fitSeconds);
    }

    /// <summary>Copies each batch's final samples into the run's [S, d] array.</summary>
    private sealed class SampleCollector(float[] samples, int d) : ITrajectoryHandler
    {
        public void OnFinal(TrajectoryBatch batch, Tensor final) =>
            final.to_type(ScalarType.Float32).contiguous().data<float>().CopyTo(samples, (int)batch.FirstId * d);
    }
}
