using DiffusionDynamics.Random;
using System.Diagnostics;
using System.Text.Json.Serialization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Options of <see cref="TrajectoriesExperiment"/> (Wang &amp; Vastola, arXiv 2303.02490). Defaults: T = 10, t_min = 10⁻³, 200 uniform steps
/// plus the log tail of <see cref="TimeGrid.UniformWithLogTail"/>, PF-ODE Heun (the theory is that of the probability flow), 64 trajectories,
/// the top 8 modes, 8 perturbation times, ε = 0.1 √d (RMS 0.1 per coordinate, ≈ 10 % of |x(T)|).
/// </summary>
/// <param name="Trajectories">Number of trajectories B. Range: ≥ 2.</param>
/// <param name="Sampler">Integrator.</param>
/// <param name="TMax">Start time T. Range: &gt; t_min.</param>
/// <param name="TMin">Last grid time t_min &gt; 0; x̂₀ = D(x(t_min), t_min).</param>
/// <param name="Steps">Uniform grid steps from T (20 log-spaced steps to t_min and the perturbation times are added). Range: ≥ 2.</param>
/// <param name="Modes">Number K of top covariance modes followed. Range: 1 ≤ K ≤ min(d, n − 1), λ_K &gt; 0.</param>
/// <param name="PerturbationTimes">Perturbation times t_p in (t_min, T) (null: <paramref name="PerturbationCount"/> geometric times in
/// [max(0.02, 10 t_min), min(5, T/2)]).</param>
/// <param name="PerturbationCount">Number of default perturbation times (0: no perturbation study). Range: ≥ 0.</param>
/// <param name="Epsilon">Norm ε of the perturbations (null: 0.1 √d). Range: ≥ 0.</param>
/// <param name="Start">Start rule.</param>
/// <param name="Batch">Trajectories per batch (results do not depend on it). Range: ≥ 1.</param>
/// <param name="Precision">Arithmetic of the trajectories (float32 or float64 tensors).</param>
/// <param name="Bootstrap">Bootstrap resamples for the variance-rule error. Range: ≥ 10.</param>
/// <param name="StripTrajectories">Trajectories whose D(x(t), t) are kept for the image strip. Range: ≥ 0.</param>
/// <param name="StripTimes">Columns of the strip (evenly spaced times in [0.25, 4] plus x̂₀). Range: ≥ 2.</param>
/// <param name="Seed">Run seed: trajectory i uses stream (Seed, i).</param>
/// <param name="PruneTolerance">Certified pruning of the empirical score where the caller builds one (<see cref="Scores.EmpiricalDenoiserOptions.PruneTolerance"/>;
/// 0: dense, bit for bit).</param>
public sealed record TrajectoriesOptions(
    int Trajectories = 64,
    SamplerKind Sampler = SamplerKind.OdeHeun,
    double TMax = 10.0,
    double TMin = 1e-3,
    int Steps = 200,
    int Modes = 8,
    IReadOnlyList<double>? PerturbationTimes = null,
    int PerturbationCount = 8,
    double? Epsilon = null,
    StartKind Start = StartKind.Noise,
    int Batch = 64,
    Precision Precision = Precision.Float32,
    int Bootstrap = 200,
    int StripTrajectories = 6,
    int StripTimes = 10,
    long Seed = 0,
    double PruneTolerance = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Trajectories < 2) throw new ArgumentOutOfRangeException(nameof(Trajectories), Trajectories, "Trajectories must be ≥ 2.");
        if (Start is not (StartKind.Noise or StartKind.ForwardMarginal))
            throw new ArgumentOutOfRangeException(nameof(Start), Start, "Trajectories start at T: Noise or ForwardMarginal.");
        if (Steps < 2) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be ≥ 2.");
        if (Modes < 1) throw new ArgumentOutOfRangeException(nameof(Modes), Modes, "Modes must be ≥ 1.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
        if (Bootstrap < 10) throw new ArgumentOutOfRangeException(nameof(Bootstrap), Bootstrap, "Bootstrap resamples must be ≥ 10.");
        if (PerturbationCount < 0) throw new ArgumentOutOfRangeException(nameof(PerturbationCount), PerturbationCount, "Perturbation count must be ≥ 0.");
        if (StripTrajectories < 0) throw new ArgumentOutOfRangeException(nameof(StripTrajectories), StripTrajectories, "Strip trajectories must be ≥ 0.");
        if (StripTimes < 2) throw new ArgumentOutOfRangeException(nameof(StripTimes), StripTimes, "Strip times must be ≥ 2.");
        if (!double.IsFinite(TMin) || TMin <= 0) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (!double.IsFinite(TMax) || TMax <= TMin) throw new ArgumentOutOfRangeException(nameof(TMax), TMax, $"T must be finite and > t_min = {TMin}.");
        if (Epsilon is double e && (!double.IsFinite(e) || e < 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), e, "ε must be finite and ≥ 0.");
        if (PerturbationTimes is not null)
            foreach (var t in PerturbationTimes)
                if (!double.IsFinite(t) || t <= TMin || t >= TMax)
                    throw new ArgumentOutOfRangeException(nameof(PerturbationTimes), t, $"Perturbation times must lie in (t_min, T) = ({TMin}, {TMax}).");
    }

    /// <summary>The perturbation times actually used, descending.</summary>
    public double[] ResolvedPerturbationTimes()
    {
        if (PerturbationTimes is not null) return PerturbationTimes.Distinct().OrderByDescending(t => t).ToArray();
        if (PerturbationCount == 0) return [];
        double lo = Math.Max(0.02, 10 * TMin), hi = Math.Min(5.0, TMax / 2);
        if (hi <= lo) hi = Math.Min(TMax * 0.9, lo * 10);
        if (PerturbationCount == 1) return [Math.Sqrt(lo * hi)];
        return Enumerable.Range(0, PerturbationCount).Select(i => hi * Math.Pow(lo / hi, i / (double)(PerturbationCount - 1))).ToArray();
    }

    /// <summary>ε for data of dimension d.</summary>
    public double ResolvedEpsilon(int dimension) => Epsilon ?? 0.1 * Math.Sqrt(dimension);
}


/// <summary>The data as the analysis saw them.</summary>
public sealed record TrajectoriesData(string Name, int N, int D, int[] ItemShape, double MeanNormSquared, double TraceCovariance, IReadOnlyList<string> Preprocessing);

/// <summary>Settings and timings of the run.</summary>
public sealed record TrajectoriesRun(int Trajectories, string Sampler, int Steps, int GridPoints, double TMax, double TMin, string Start,
    string Precision, double Epsilon, long Seed, double Seconds);

/// <summary>D(x(t), t) of a few trajectories at a few times, for the "outline first" strip (row-major: trajectory, then time).</summary>
/// <param name="Times">Column times (descending; the last is t_min, whose D is x̂₀).</param>
/// <param name="Trajectories">Rows.</param>
/// <param name="Images">Trajectories × Times items of length d.</param>
public sealed record DenoisedStrip(double[] Times, int Trajectories, IReadOnlyList<float[]> Images);

/// <summary>Everything <see cref="TrajectoriesExperiment.Run"/> measured (times in OU t).</summary>
public sealed record TrajectoriesResult(string Clock, TrajectoriesData Data, string Score, ModeEmergenceResult Emergence,
    TrajectoryGeometryResult PlaneResidual, PerturbationResult Perturbation, TrajectoriesRun Run)
{
    /// <summary>The image strip (written to its own file, not to the JSON).</summary>
    [JsonIgnore] public DenoisedStrip? Strip { get; init; }
}

/// <summary>
/// "Outline first, details later" on real trajectories (Wang &amp; Vastola, arXiv 2303.02490; Gaussian theory of arXiv 2311.10892;
/// docs/theory.md §5): runs B trajectories with any denoiser, records every state x(t) and the denoiser coordinates
/// c_k(t) = u_kᵀ(D(x(t), t) − m) on the top K modes u_k of the data covariance, and measures (i) per-mode emergence times
/// (<see cref="ModeEmergence"/>) against ½ ln(1 + λ_k), (ii) the distance of the trajectories from the plane span{x(T), x̂₀} and their
/// effective dimension (<see cref="TrajectoryGeometry"/>), (iii) the response of x̂₀ to perturbations at several t_p
/// (<see cref="PerturbationResponse"/>). Cost: B (N + Σ_p (N − k_p)) sampler steps; memory B_batch·(N + 1)·d for the states of a batch.
/// </summary>
public static class TrajectoriesExperiment
{
    /// <param name="data">Training set: defines the modes (covariance of the data), the nearest training points, and the Gaussian theory.</param>
    /// <param name="denoiser">The score used for the trajectories (exact empirical, Gaussian, trained, …), of the data's dimension.</param>
    /// <param name="classify">Class of final samples (null: no class-change rate).</param>
    /// <param name="options">Sizes, sampler, grid, perturbations and seed.</param>
    /// <param name="scoreName">How the score is described in the result.</param>
    /// <param name="progress">Receives (stage, sampler steps done, total) during the runs.</param>
    /// <param name="cancellationToken">Stops between sampler steps.</param>
    public static TrajectoriesResult Run(Dataset data, IDenoiser denoiser, TrajectoriesOptions options, Func<Tensor, int[]>? classify = null,
        string scoreName = "denoiser", IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int d = data.Dimension;
        if (denoiser.Dimension != d) throw new ArgumentException($"The denoiser works in d = {denoiser.Dimension}, the data have d = {d}.", nameof(denoiser));
        if (data.Count < 2) throw new ArgumentException($"The modes need n ≥ 2 training points (got n = {data.Count}).", nameof(data));
        int maxModes = Math.Min(d, data.Count - 1);
        if (options.Modes > maxModes)
            throw new ArgumentOutOfRangeException(nameof(options), options.Modes, $"Modes = {options.Modes} exceeds min(d, n − 1) = {maxModes}.");
        var clock = Stopwatch.StartNew();
        var dtype = options.Precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        using var scope = NewDisposeScope();

        // Modes and the Gaussian theory of the data.
        progress?.Report(new AnalysisProgress("modes of the data", 0, 1));
        var trainingSet = data.ToTensor();
        var pairs = CovarianceSpectrum.Top(trainingSet, options.Modes);
        int K = options.Modes;
        for (int k = 0; k < K; k++)
            if (!(pairs.Eigenvalues[k] > 1e-12 * Math.Max(pairs.Eigenvalues[0], 1e-300)))
                throw new ArgumentOutOfRangeException(nameof(options), options.Modes, $"Mode {k} has eigenvalue {pairs.Eigenvalues[k]:G3}: the data covariance has fewer than {K} non-zero modes; ask for fewer.");
        var a64 = trainingSet.to_type(ScalarType.Float64);
        var mean = a64.mean([0]);
        var basis = torch.tensor(pairs.Eigenvectors.SelectMany(v => v).ToArray(), [K, d]).t().contiguous(); // U: [d, K] float64
        double meanNormSq = mean.square().sum().item<double>();
        var centred = a64 - mean;
        double trace = centred.square().sum().item<double>() / data.Count;
        double[]? spectrum = null;
        if (d <= 2048)
            spectrum = torch.linalg.eigvalsh(centred.t().mm(centred) / data.Count).clamp_min(0.0).flip(0).data<double>().ToArray();
        var meanT = mean.to_type(dtype);
        var basisT = basis.to_type(dtype);

        // Grid with the perturbation times on it.
        var tps = options.ResolvedPerturbationTimes();
        var grid = CloningExperiment.BuildGrid(options.TMax, options.TMin, options.Steps, tps);
        var tpIndex = tps.Select(t => IndexOf(grid, t)).ToArray();
        int S = grid.Steps + 1;
        var times = grid.ToArray();
        double epsilon = options.ResolvedEpsilon(d);
        var stripIndex = StripIndices(grid, options.StripTimes);

        long perBatch = grid.Steps + tpIndex.Sum(k => (long)(grid.Steps - k));
        int batches = (options.Trajectories + options.Batch - 1) / options.Batch;
        long total = perBatch * batches;
        string stage = "trajectories and perturbations";
        progress?.Report(new AnalysisProgress(stage, 0, total));

        var coordinates = new List<double[,]>();
        var residuals = new List<double[]>();
        var shares = new List<double[]>();
        var distances = tps.Select(_ => new List<double>()).ToArray();
        var classChanged = tps.Select(_ => new List<bool>()).ToArray();
        var nearestChanged = tps.Select(_ => new List<bool>()).ToArray();
        var stripImages = new float[Math.Min(options.StripTrajectories, options.Trajectories)][][];

        // Trajectories through the runner; each batch's records, geometry and perturbations are taken in OnFinal.
        long extra = 0; // perturbation steps done, beside the runner's count of trajectory steps
        Recorder? recorder = null;
        var handler = new TrajectoryCallbacks
        {
            Observe = run =>
            {
                int first = (int)run.FirstId;
                recorder = new Recorder(run.Count, S, d, K, meanT, basisT, dtype, stripIndex, Math.Max(0, Math.Min(stripImages.Length - first, run.Count)));
                return recorder;
            },
            OnFinal = (run, final) =>
            {
                int first = (int)run.FirstId, batch = run.Count;

                // Emergence coordinates and geometry of this batch.
                var c = recorder!.Coordinates.to_type(ScalarType.Float64).contiguous().data<double>().ToArray(); // [B, S, K]
                for (int b = 0; b < batch; b++)
                {
                    var m = new double[S, K];
                    Buffer.BlockCopy(c, b * S * K * sizeof(double), m, 0, S * K * sizeof(double));
                    coordinates.Add(m);
                }
                using (var g = NewDisposeScope())
                {
                    var rho = TrajectoryGeometry.PlaneResiduals(recorder!.States, final).data<double>().ToArray();
                    var pca = TrajectoryGeometry.PcaShares(recorder!.States).data<double>().ToArray();
                    for (int b = 0; b < batch; b++)
                    {
                        residuals.Add(rho.AsSpan(b * S, S).ToArray());
                        shares.Add(pca.AsSpan(b * 3, 3).ToArray());
                    }
                }
                for (int r = 0; r < recorder!.StripRows; r++) stripImages[first + r] = recorder!.Strip[r];

                // Perturbations.
                for (int p = 0; p < tps.Length; p++)
                {
                    using var ps = NewDisposeScope();
                    int kp = tpIndex[p];
                    var xp = recorder!.States.select(1, kp);
                    NoiseSource? continued = null;
                    if (options.Sampler == SamplerKind.EulerMaruyama)
                    {
                        // The same increments as the original after t_p: replay the start draw and the first k_p steps' draws.
                        continued = NoiseSource.ForSamples(options.Seed, first, batch, d);
                        StartBatch(options, trainingSet, continued, dtype).Dispose();
                        using var sink = torch.empty([batch, d], dtype: ScalarType.Float32);
                        for (int k = 0; k < kp; k++) continued.Fill(sink);
                    }
                    var v = PerturbationResponse.Directions(options.Seed, p, first, batch, d, dtype);
                    var perturbed = PerturbationResponse.PerturbedFinals(options.Sampler, denoiser, grid, xp, kp, epsilon, v, continued, cancellationToken);
                    var (dist, cls, near) = PerturbationResponse.Compare(final, perturbed, trainingSet, classify);
                    distances[p].AddRange(dist);
                    if (cls is not null) classChanged[p].AddRange(cls);
                    nearestChanged[p].AddRange(near);
                    extra += grid.Steps - kp;
                }
            },
        };
        var trajectories = new SampleBatches(options.Trajectories, options.Batch, options.Seed)
        {
            Start = TrajectoryStart.Custom(noise => StartBatch(options, trainingSet, noise, dtype)),
        };
        var stepProgress = progress is null ? null : new InlineProgress<long>(v => progress.Report(new AnalysisProgress(stage, extra + v, total)));
        TrajectoryRunner.RunBatches(denoiser, new TrajectoryRequest(options.Sampler), grid, trajectories, handler, stepProgress, cancellationToken);
        progress?.Report(new AnalysisProgress(stage, total, total));

        var emergence = ModeEmergence.Measure(times, coordinates, pairs.Eigenvalues, options.Sampler, options.Bootstrap, options.Seed);
        double?[]? residualTheory = spectrum is not null && options.Sampler != SamplerKind.EulerMaruyama
            ? times.Select(t => (double?)ModeEmergenceTheory.PlaneResidual(spectrum, meanNormSq, t, options.TMax, options.TMin)).ToArray()
            : null;
        var geometry = TrajectoryGeometry.Summarize(times, residuals.ToArray(), shares.ToArray(), residualTheory);
        var curve = tps.Select((t, p) => PerturbationResponse.Summarize(t, distances[p], classify is null ? null : classChanged[p], nearestChanged[p],
            spectrum is null ? null : ModeEmergenceTheory.PerturbationRms(spectrum, d, epsilon, t, options.TMin, ModeEmergence.DynamicsOf(options.Sampler)))).ToArray();
        var perturbation = new PerturbationResult(epsilon, curve,
            options.Sampler == SamplerKind.EulerMaruyama ? "SDE: the perturbed copy uses the same noise increments as the original after t_p"
                                                         : "PF-ODE: deterministic continuation");

        DenoisedStrip? strip = null;
        if (stripImages.Length > 0 && stripImages.All(r => r is not null))
            strip = new DenoisedStrip(stripIndex.Select(k => times[k]).ToArray(), stripImages.Length, stripImages.SelectMany(r => r).ToArray());
        var summary = new TrajectoriesData(data.Name, data.Count, d, data.ItemShape, meanNormSq, trace, data.Preprocessing);
        var run = new TrajectoriesRun(options.Trajectories, OptionTokens.Of(options.Sampler), options.Steps, S, options.TMax, options.TMin, OptionTokens.Of(options.Start),
            options.Precision.ToString(), epsilon, options.Seed, clock.Elapsed.TotalSeconds);
        return new TrajectoriesResult("OU time t", summary, scoreName, emergence, geometry, perturbation, run) { Strip = strip };
    }

    /// <summary>
    /// Grid indices of the strip columns: the grid times nearest to times evenly spaced in t from min(4, T) down to 0.25 (where the
    /// outline and then the details of images form), plus the last grid time (whose D is x̂₀).
    /// </summary>
    public static int[] StripIndices(TimeGrid grid, int columns)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (columns < 2) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be ≥ 2.");
        double hi = Math.Min(4.0, grid.Start), lo = Math.Max(Math.Min(0.25, hi / 4), grid.End);
        var result = new SortedSet<int> { grid.Steps };
        for (int j = 0; j < columns - 1; j++)
        {
            double target = columns == 2 ? hi : hi + (lo - hi) * j / (columns - 2);
            int best = 0;
            for (int k = 0; k <= grid.Steps; k++)
                if (Math.Abs(grid[k] - target) < Math.Abs(grid[best] - target)) best = k;
            result.Add(best);
        }
        return result.ToArray();
    }

    private static Tensor StartBatch(TrajectoriesOptions options, Tensor trainingSet, NoiseSource noise, ScalarType dtype)
    {
        if (options.Start == StartKind.Noise) return Start.FromNoise(noise, dtype);
        var (x, _) = Start.FromForwardMarginal(trainingSet, options.TMax, noise);
        if (x.dtype == dtype) return x;
        using (x) return x.to_type(dtype);
    }

    private static int IndexOf(TimeGrid grid, double t)
    {
        for (int k = 0; k <= grid.Steps; k++)
            if (Math.Abs(grid[k] - t) <= 1e-9 * Math.Max(1, t)) return k;
        throw new ArgumentException($"Perturbation time {t} is not on the grid.");
    }

    /// <summary>Records states, mode coordinates and strip images of one batch (progress comes from the runner).</summary>
    private sealed class Recorder : IStepObserver
    {
        private readonly Tensor mean, basis;
        private readonly HashSet<int> stripIndex;
        private readonly int[] stripOrder;

        public Recorder(int batch, int records, int d, int modes, Tensor mean, Tensor basis, ScalarType dtype, int[] stripIndex, int stripRows)
        {
            States = torch.empty([batch, records, d], dtype: dtype);
            Coordinates = torch.empty([batch, records, modes], dtype: dtype);
            this.mean = mean;
            this.basis = basis;
            this.stripIndex = [.. stripIndex];
            stripOrder = stripIndex;
            StripRows = stripRows;
            Strip = Enumerable.Range(0, stripRows).Select(_ => new float[stripIndex.Length][]).ToArray();
        }

        public Tensor States { get; }        // [B, S, d]
        public Tensor Coordinates { get; }   // [B, S, K]
        public int StripRows { get; }
        public float[][][] Strip { get; }    // [row][column] → image

        public void OnStep(in StepRecord step)
        {
            using var scope = NewDisposeScope();
            States.select(1, step.Index).copy_(step.X);
            Coordinates.select(1, step.Index).copy_((step.Denoised.to_type(mean.dtype) - mean).mm(basis));
            if (StripRows > 0 && stripIndex.Contains(step.Index))
            {
                int column = Array.IndexOf(stripOrder, step.Index);
                var rows = step.Denoised.narrow(0, 0, StripRows).to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
                int d = (int)step.Denoised.shape[1];
                for (int r = 0; r < StripRows; r++) Strip[r][column] = rows.AsSpan(r * d, d).ToArray();
            }
        }
    }
}
