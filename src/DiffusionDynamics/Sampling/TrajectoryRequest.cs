using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// How a batch of trajectories is integrated: the registered sampler, DDIM's η, the final denoising jump, and the part of
/// the grid to run (grid indices <see cref="FromIndex"/> → <see cref="ToIndex"/>, default the whole grid).
/// </summary>
/// <param name="Sampler">The registered method (default: Euler–Maruyama, Biroli et al. 2024).</param>
public sealed record TrajectoryRequest(SamplerKind Sampler = SamplerKind.EulerMaruyama)
{
    /// <summary>DDIM's η ∈ [0, 1] (<see cref="SamplerSteps.DdimEta"/>; &gt; 0 makes DDIM stochastic); 0 for every other sampler.</summary>
    public double DdimEta { get; init; }

    /// <summary>End with the posterior-mean jump D(x(t_min), t_min) to t = 0 (only when the run reaches the grid's last index).</summary>
    public bool FinalDenoise { get; init; } = true;

    /// <summary>First grid index of the run (x is at grid[FromIndex]). Range: 0 ≤ FromIndex ≤ ToIndex.</summary>
    public int FromIndex { get; init; }

    /// <summary>Last grid index of the run (null: the grid's last index, with the final record and optional denoise).</summary>
    public int? ToIndex { get; init; }

    /// <summary>The registered method of <see cref="Sampler"/>.</summary>
    public SamplerMethod Method => SamplerRegistry.Get(Sampler);

    /// <summary>True when the run draws noise at each step (needs a <see cref="NoiseSource"/>).</summary>
    public bool IsStochastic => Method.IsStochastic(DdimEta);
}

/// <summary>
/// How clones branch off (Biroli et al. 2024, arXiv 2402.18491, Sec. 4; docs/theory.md §4). With a stochastic sampler the clones
/// of x(t) are exact copies whose futures differ through their independent noise streams, so φ(t) is the probability that
/// two draws from P(x₀ | x(t)) agree. A deterministic sampler maps x(t) to one x₀, so exact copies agree always (φ ≡ 1);
/// <see cref="ForwardKick"/> gives its clones their independence from the forward process instead.
/// </summary>
public enum CloneRule
{
    /// <summary><see cref="Copy"/> for stochastic samplers, <see cref="ForwardKick"/> for deterministic ones (default).</summary>
    Auto,
    /// <summary>Clones start as exact copies of x(t_k) at grid index k.</summary>
    Copy,
    /// <summary>
    /// Each clone is re-noised forward over one grid step h = t_{k−1} − t_k: x′(t_{k−1}) = e^{−h} x(t_k) + √Δ_h z, z ~ N(0, I) from the
    /// clone's own stream — an exact draw of the forward kernel P(x(t + h) | x(t)), so if x(t) ~ P_t then x′ ~ P_{t+h} — and then
    /// follows the sampler from t_{k−1}. For a deterministic flow, φ(t) is then the probability that two such re-noisings of x(t) flow
    /// to the same class: the stability of the class against the noise the forward process adds in one step at t. It depends on the grid
    /// step h (φ → 1 as h → 0 at fixed t); with the regimes grid (h ≈ T/steps) its noise √Δ_h ≈ √(2h) equals one Euler–Maruyama step's.
    /// Needs k ≥ 1.
    /// </summary>
    ForwardKick,
}

/// <summary>Where trajectories branch into clones.</summary>
/// <param name="Indices">Grid indices k of the branch points (each 0 ≤ k ≤ N; ≥ 1 with <see cref="CloneRule.ForwardKick"/>). Clone noise of branch k uses salt k.</param>
/// <param name="Clones">Clones K per state. Range: ≥ 1.</param>
/// <param name="Rule">How clones start (default: by the sampler, <see cref="CloneRule.Auto"/>).</param>
public sealed record BranchOptions(IReadOnlyList<int> Indices, int Clones = 2, CloneRule Rule = CloneRule.Auto)
{
    /// <summary>The rule in effect for <paramref name="request"/>: <see cref="CloneRule.Auto"/> resolved by the sampler's stochasticity.</summary>
    public CloneRule ResolvedRule(TrajectoryRequest request) =>
        Rule != CloneRule.Auto ? Rule : request.IsStochastic ? CloneRule.Copy : CloneRule.ForwardKick;

    /// <summary>Grid index at which the clones of branch index <paramref name="k"/> start (k − 1 with the forward kick).</summary>
    public int CloneStart(int k, TrajectoryRequest request) => ResolvedRule(request) == CloneRule.ForwardKick ? k - 1 : k;
}

/// <summary>
/// Where a batch starts: a function of the batch's noise source and the grid, returning x at the grid still to run
/// (<see cref="StartedRun"/>). Factories cover the start rules of <see cref="Start"/>.
/// </summary>
/// <param name="Begin">(noise, grid) → the started run; draws from the rows' own streams only.</param>
public sealed record TrajectoryStart(Func<NoiseSource, TimeGrid, StartedRun> Begin)
{
    /// <summary>x(T) ~ N(0, I) (float32).</summary>
    public static TrajectoryStart Noise { get; } = new((noise, grid) => new StartedRun(Start.FromNoise(noise), grid));

    /// <summary>A start rule of <see cref="Start.Begin"/> (noise, forward marginal, teleport, Gaussian late start).</summary>
    public static TrajectoryStart FromRule(StartOptions options, Tensor? trainingSet = null, GaussianDenoiser? gaussian = null,
        ScalarType dtype = ScalarType.Float32) =>
        new((noise, grid) => Start.Begin(options, grid, noise, trainingSet, gaussian, dtype));

    /// <summary>x at the grid's first time from a draw of the batch's streams (e.g. a transported or custom start).</summary>
    public static TrajectoryStart Custom(Func<NoiseSource, Tensor> draw) => new((noise, grid) => new StartedRun(draw(noise), grid));
}

/// <summary>A batch of samples in a batched run.</summary>
/// <param name="FirstId">Id of the batch's first sample (sample i uses stream (seed, i)).</param>
/// <param name="Count">Samples in the batch.</param>
/// <param name="Noise">The batch's per-sample noise source (positioned after the start's draws and the steps run).</param>
/// <param name="Grid">The grid the batch ran on (shorter than the request's for the Gaussian late starts).</param>
/// <param name="Indices">Training indices of a forward-marginal start (null otherwise).</param>
public sealed record TrajectoryBatch(long FirstId, int Count, NoiseSource Noise, TimeGrid Grid, long[]? Indices);

/// <summary>Receives the batches of <see cref="TrajectoryRunner.RunBatches"/>: an observer per batch, its final states and its clones.</summary>
public interface ITrajectoryHandler
{
    /// <summary>The observer of the batch's (parent) trajectories, or null. Called before the batch runs.</summary>
    IStepObserver? Observe(TrajectoryBatch batch) => null;

    /// <summary>The batch's final states ([B, d]: D(x(t_min)) with the final denoise). Valid during the call only.</summary>
    void OnFinal(TrajectoryBatch batch, Tensor final) { }

    /// <summary>
    /// The clones of branch index k: <paramref name="parents"/> = x(t_k) [B, d], <paramref name="clones"/> = their final states
    /// [B·K, d] (row b·K + c is clone c of parent b). Called after <see cref="OnFinal"/>, in the order of the branch indices given.
    /// Valid during the call only.
    /// </summary>
    void OnClones(TrajectoryBatch batch, int branchIndex, Tensor parents, Tensor clones) { }
}

/// <summary>An <see cref="ITrajectoryHandler"/> made of delegates, for handlers written inline at the call site.</summary>
public sealed class TrajectoryCallbacks : ITrajectoryHandler
{
    /// <summary>The observer of a batch (see <see cref="ITrajectoryHandler.Observe"/>).</summary>
    public Func<TrajectoryBatch, IStepObserver?>? Observe { get; init; }

    /// <summary>A batch's final states (see <see cref="ITrajectoryHandler.OnFinal"/>).</summary>
    public Action<TrajectoryBatch, Tensor>? OnFinal { get; init; }

    /// <summary>The clones of one branch index (see <see cref="ITrajectoryHandler.OnClones"/>).</summary>
    public Action<TrajectoryBatch, int, Tensor, Tensor>? OnClones { get; init; }

    IStepObserver? ITrajectoryHandler.Observe(TrajectoryBatch batch) => Observe?.Invoke(batch);

    void ITrajectoryHandler.OnFinal(TrajectoryBatch batch, Tensor final) => OnFinal?.Invoke(batch, final);

    void ITrajectoryHandler.OnClones(TrajectoryBatch batch, int branchIndex, Tensor parents, Tensor clones) =>
        OnClones?.Invoke(batch, branchIndex, parents, clones);
}
