namespace DiffusionDynamics.Sampling;

/// <summary>
/// How clones branch off (Biroli et al. 2024, arXiv 2402.18491, Sec. 4; docs/theory.md §4). With a stochastic sampler the clones
/// of x(t) are exact copies whose futures differ through their independent noise streams, so φ(t) is the probability that
/// two draws from P(x₀ | x(t)) agree. A deterministic sampler maps x(t) to one x₀, so exact copies always agree (φ ≡ 1): its
/// clones take their independence from the forward process instead (<see cref="Renoise"/>, the default, or <see cref="ForwardKick"/>).
/// Every rule draws a clone's noise from the clone's own stream, so nothing depends on the batch.
/// </summary>
public enum CloneRule
{
    /// <summary><see cref="Copy"/> for stochastic samplers, <see cref="Renoise"/> for deterministic ones (default).</summary>
    Auto,
    /// <summary>Clones start as exact copies of x(t_k) at grid index k.</summary>
    Copy,
    /// <summary>
    /// Forward–backward regeneration (Sclocchi, Favero &amp; Wyart, arXiv 2402.16991): each clone draws x′(t_k) afresh from the forward
    /// process started at the parent's generated sample x̂₀ (its final state, D(x(t_min), t_min) with the final denoise),
    /// x′(t_k) = e^{−t_k} x̂₀ + √Δ_{t_k} z, z ~ N(0, I), and follows the sampler from t_k. If x̂₀ ~ P₀ then x′ ~ P_{t_k}. φ(t) is then the
    /// probability that two regenerations of the same sample from noise level t keep a common class: 1 for t ≪ t_S, φ∞ for t ≫ t_S
    /// (the noised copies have forgotten x̂₀), independent of the grid. It conditions on x̂₀, not on x(t) as the SDE's φ does, so the two
    /// curves differ in shape but change over the same range of t.
    /// </summary>
    Renoise,
    /// <summary>
    /// Each clone is re-noised forward over one grid step h = t_{k−1} − t_k: x′(t_{k−1}) = e^{−h} x(t_k) + √Δ_h z — an exact draw of the
    /// forward kernel P(x(t + h) | x(t)), so if x(t) ~ P_t then x′ ~ P_{t+h} — and follows the sampler from t_{k−1}. For a deterministic
    /// flow φ(t) is then the stability of the class of x(t) against the noise the forward process adds in one step; it depends on the grid
    /// step (φ → 1 as h → 0). Needs k ≥ 1.
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
        Rule != CloneRule.Auto ? Rule : request.IsStochastic ? CloneRule.Copy : CloneRule.Renoise;

    /// <summary>Grid index at which the clones of branch index <paramref name="k"/> start (k − 1 with the forward kick, else k).</summary>
    public int CloneStart(int k, TrajectoryRequest request) => ResolvedRule(request) == CloneRule.ForwardKick ? k - 1 : k;
}
