using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Analysis;

/// <summary>How a run of the acceleration sweep starts (docs/theory.md §5; Wang &amp; Vastola, arXiv 2412.09726, 2311.10892; Raya &amp; Ambrogioni, arXiv 2305.19693).</summary>
public enum AccelerationStart
{
    /// <summary>The baseline: the sampler runs the whole grid from x(T) (pure noise or the forward marginal).</summary>
    Baseline,
    /// <summary>Analytical teleportation: the closed-form Gaussian PF-ODE maps x(T) to x(t_skip) (0 NFE), the sampler continues from there.</summary>
    Teleport,
    /// <summary>Gaussian late start: x(t_skip) ~ N(e^{−t} m, e^{−2t} C + Δ_t I) drawn afresh (independent noise), the sampler continues.</summary>
    GaussianLateStart,
}

/// <summary>How the default t_skip is chosen (when it is not given).</summary>
public enum SkipRule
{
    /// <summary>t_skip = ½ ln(1 + λ_max), the emergence time of the top covariance mode (PNT arXiv 2303.02490): nothing is decided above it.</summary>
    Emergence,
    /// <summary>The smallest t above which the Gaussian score explains ≥ the threshold of the score's variance (GSA arXiv 2412.09726).</summary>
    ExplainedVariance,
}

/// <summary>Time grid of the sweep (every grid ends at t_min; the sampler's final denoise D(x(t_min), t_min) is one more NFE).</summary>
public enum AccelerationGrid
{
    /// <summary>Uniform in the log-SNR λ = −ln(e^{2t} − 1) (DPM-Solver's grid, arXiv 2206.00927).</summary>
    LogSnr,
    /// <summary>Karras et al. 2022 (arXiv 2206.00364) ρ = 7 in σ = √(e^{2t} − 1), from σ(T) to σ(t_min).</summary>
    Karras,
    /// <summary>Uniform in OU time t.</summary>
    Uniform,
}

/// <summary>
/// Options of <see cref="AccelerateExperiment"/>: sample quality (Fréchet distance to held-out data) against the number of
/// denoiser evaluations, per sampler, with and without the Gaussian shortcuts of GSA/HLS (arXiv 2412.09726,
/// 2311.10892) and SSB (arXiv 2305.19693).
/// </summary>
public sealed record AccelerateOptions
{
    /// <summary>Samplers swept (default one per family: Euler–Maruyama SDE, DDIM, DPM-Solver++(2M)).</summary>
    public IReadOnlyList<SamplerKind> Samplers { get; init; } = [SamplerKind.EulerMaruyama, SamplerKind.Ddim, SamplerKind.DpmSolver2M];

    /// <summary>Accelerated start rules run beside the baseline (default both teleport and Gaussian late start).</summary>
    public IReadOnlyList<AccelerationStart> Accelerations { get; init; } = [AccelerationStart.Teleport, AccelerationStart.GaussianLateStart];

    /// <summary>
    /// Budgets N (denoiser evaluations per sample, the final denoise included). A sampler with e evaluations per step
    /// runs ⌊(N − 1)/e⌋ steps, so its actual NFE is ≤ N (Heun at N = 10: 4 steps, 9 NFE). Range: each ≥ 3, at least 2 distinct.
    /// </summary>
    public IReadOnlyList<int> Nfe { get; init; } = [5, 10, 20, 50, 100];

    /// <summary>t_skip (OU) where teleport and late start hand over to the sampler; null: chosen by <see cref="SkipRule"/>.</summary>
    public double? TSkip { get; init; }

    /// <summary>
    /// Rule for t_skip when it is not given (default <see cref="Analysis.SkipRule.Emergence"/>, ½ ln(1 + λ_max)). The explained-variance
    /// rule at 99 % was measured too aggressive on the built-in data: it hands over at t ≈ 0.89, below the speciation time 2.3,
    /// and teleported runs then level off at about twice the FD floor.
    /// </summary>
    public SkipRule SkipRule { get; init; } = SkipRule.Emergence;

    /// <summary>
    /// The threshold of the explained-variance rule (<see cref="Analysis.SkipRule.ExplainedVariance"/>): the smallest t above which the Gaussian score of the training data explains at least this
    /// share of the sampling score's variance, EV(t) = 1 − E|s − s_G|²/E|s|² over x ~ P_t^e (GSA, arXiv 2412.09726, Fig. 2:
    /// the Gaussian term dominates at high noise). Default 0.99. Range: (0, 1).
    /// </summary>
    public double ExplainedVarianceThreshold { get; init; } = 0.99;

    /// <summary>Monte-Carlo draws per time for EV(t) (default 256). Range: ≥ 2.</summary>
    public int ExplainedVarianceSamples { get; init; } = 256;

    /// <summary>Generated samples per (sampler, start, NFE) (default 500). Range: ≥ 2.</summary>
    public int Samples { get; init; } = 500;

    /// <summary>Feature space of the Fréchet distance (default PCA with 32 components of the reference set).</summary>
    public FeatureSpaceOptions Features { get; init; } = new();

    /// <summary>Grid family (default uniform in log-SNR).</summary>
    public AccelerationGrid Grid { get; init; } = AccelerationGrid.LogSnr;

    /// <summary>Start time T (default 10, the project's; P_T ≈ N(0, I)). Range: &gt; TMin.</summary>
    public double TMax { get; init; } = 10.0;

    /// <summary>Last grid time t_min (default 10⁻³). Range: &gt; 0.</summary>
    public double TMin { get; init; } = 1e-3;

    /// <summary>Where the baseline's x(T) comes from (default pure noise).</summary>
    public StartKind BaseStart { get; init; } = StartKind.Noise;

    /// <summary>Bootstrap resamples for the FD standard error (default 100). Range: 0 or ≥ 2.</summary>
    public int Bootstrap { get; init; } = 100;

    /// <summary>Training subsets used to measure the FD floor (default 8). Range: ≥ 2.</summary>
    public int FloorSubsets { get; init; } = 8;

    /// <summary>Samples per batch (results do not depend on it; default 256). Range: ≥ 1.</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Arithmetic of the exact empirical denoiser (default float32).</summary>
    public Precision Precision { get; init; } = Precision.Float32;

    /// <summary>Certified pruning of the empirical score (<see cref="EmpiricalDenoiserOptions.PruneTolerance"/>; 0: dense, bit for bit).</summary>
    public double PruneTolerance { get; init; }

    /// <summary>Run seed: sample i uses stream (Seed, i) in every run, so runs share their x(T) (common random numbers).</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (BaseStart is not (StartKind.Noise or StartKind.ForwardMarginal))
            throw new ArgumentOutOfRangeException(nameof(BaseStart), BaseStart, "The baseline starts at T: Noise or ForwardMarginal.");
        if (Samplers is null || Samplers.Count == 0) throw new ArgumentException("At least one sampler is needed.", nameof(Samplers));
        if (Accelerations is null) throw new ArgumentException("Accelerations must not be null.", nameof(Accelerations));
        if (Accelerations.Contains(AccelerationStart.Baseline))
            throw new ArgumentException("Accelerations lists the accelerated rules only; the baseline always runs.", nameof(Accelerations));
        if (Nfe is null || Nfe.Distinct().Count() < 2) throw new ArgumentException("At least two distinct NFE budgets are needed.", nameof(Nfe));
        foreach (var n in Nfe)
            if (n < 3) throw new ArgumentOutOfRangeException(nameof(Nfe), n, "Each NFE budget must be ≥ 3 (one Heun step plus the final denoise).");
        if (!double.IsFinite(TMin) || TMin <= 0) throw new ArgumentOutOfRangeException(nameof(TMin), TMin, "t_min must be finite and > 0.");
        if (!double.IsFinite(TMax) || TMax <= TMin) throw new ArgumentOutOfRangeException(nameof(TMax), TMax, $"T must be finite and > t_min = {TMin}.");
        if (TSkip is double s && (!double.IsFinite(s) || s <= TMin || s > TMax))
            throw new ArgumentOutOfRangeException(nameof(TSkip), s, $"t_skip must lie in (t_min, T] = ({TMin}, {TMax}].");
        if (!(ExplainedVarianceThreshold > 0 && ExplainedVarianceThreshold < 1))
            throw new ArgumentOutOfRangeException(nameof(ExplainedVarianceThreshold), ExplainedVarianceThreshold, "The explained-variance threshold must lie in (0, 1).");
        if (ExplainedVarianceSamples < 2) throw new ArgumentOutOfRangeException(nameof(ExplainedVarianceSamples), ExplainedVarianceSamples, "Need ≥ 2 draws.");
        if (Samples < 2) throw new ArgumentOutOfRangeException(nameof(Samples), Samples, "Samples must be ≥ 2 (a covariance needs two points).");
        if (Bootstrap < 0 || Bootstrap == 1) throw new ArgumentOutOfRangeException(nameof(Bootstrap), Bootstrap, "Bootstrap must be 0 or ≥ 2.");
        if (FloorSubsets < 2) throw new ArgumentOutOfRangeException(nameof(FloorSubsets), FloorSubsets, "FloorSubsets must be ≥ 2.");
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), Batch, "Batch must be ≥ 1.");
        ArgumentNullException.ThrowIfNull(Features, nameof(Features));
        Features.Validate();
    }
}
