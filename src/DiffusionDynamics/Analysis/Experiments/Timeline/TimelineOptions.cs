using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// Options of <see cref="TimelineExperiment"/>: the settings of each analysis it composes. The defaults are reduced from each
/// analysis's own (fewer clone pairs, steps, Monte-Carlo samples and times) so that the whole timeline of the built-in data runs in
/// under two minutes on two cores; every reduction widens the error bars the result reports, it does not bias them.
/// </summary>
/// <param name="Regimes">Cloning speciation and collapse. Default: 48 clone pairs at 8 branch times, 100 SDE steps from T = 10,
/// 512 excess-entropy samples at 12 extra times, 100 bootstrap resamples (regimes' own defaults: 128, 14, 200, 2048, 32, 200).</param>
/// <param name="Symmetry">Symmetry breaking of the backward drift. Default: 16 times (symmetry's own: 40), 1 direction, 4 eigenvalues.</param>
/// <param name="Modes">Per-mode emergence. Default: 32 PF-ODE (Heun) trajectories of 100 steps, top 3 modes, no perturbation study
/// (trajectories' own: 64, 200, 8 modes, 8 perturbation times).</param>
/// <param name="ExplainedVarianceThreshold">The teleport hand-over: the smallest t above which the Gaussian score explains this share
/// of the score's variance. Default 0.99 (accelerate's). Range: (0, 1).</param>
/// <param name="ExplainedVarianceSamples">Monte-Carlo samples per time of the explained variance. Default 128 (accelerate's: 256). Range: ≥ 8.</param>
/// <param name="ExplainedVariancePoints">Log-spaced times of the explained-variance curve. Default 12 (accelerate's: 24). Range: ≥ 2.</param>
/// <param name="Seed">Run seed of every stage. Default 0.</param>
/// <param name="Classes">The class-decision stage on labelled data (<see cref="ClassEntropyAnalysis"/>). Default: 48 Euler–Maruyama
/// trajectories on 80 uniform steps plus a 20-step log tail to t_min = 0.01, exact posterior only (entropy's own: 256, 150 + 20, with the
/// online and I-MMSE estimators).</param>
public sealed record TimelineOptions(RegimesOptions? Regimes = null, SymmetryBreakingOptions? Symmetry = null, TrajectoriesOptions? Modes = null,
    double ExplainedVarianceThreshold = 0.99, int ExplainedVarianceSamples = 128, int ExplainedVariancePoints = 12, long Seed = 0,
    ClassEntropyOptions? Classes = null)
{
    /// <summary>The reduced class-entropy settings of the default timeline (exact posterior only).</summary>
    public static ClassEntropyOptions DefaultClasses { get; } = new(Samples: 48, Batch: 48, Steps: 80, TailSteps: 20, Online: false, Immse: false);

    /// <summary>The class-entropy settings in force, with the run seed.</summary>
    public ClassEntropyOptions ResolvedClasses => (Classes ?? DefaultClasses) with { Seed = Seed };

    /// <summary>The reduced regimes settings of the default timeline.</summary>
    public static RegimesOptions DefaultRegimes { get; } = new(Pairs: 48, Steps: 100, BranchCount: 8, EntropySamples: 512, EntropyTimes: 12, Bootstrap: 100, RefineParents: 0);

    /// <summary>The reduced symmetry settings of the default timeline.</summary>
    public static SymmetryBreakingOptions DefaultSymmetry { get; } = new(Times: 16, Directions: 1, Eigenvalues: 4, PotentialTimes: 0);

    /// <summary>The reduced mode-emergence settings of the default timeline.</summary>
    public static TrajectoriesOptions DefaultModes { get; } = new(Trajectories: 32, Sampler: SamplerKind.OdeHeun, Steps: 100, Modes: 3, PerturbationCount: 0, Bootstrap: 100, StripTrajectories: 0);

    /// <summary>The regimes settings in force, with the run seed.</summary>
    public RegimesOptions ResolvedRegimes => (Regimes ?? DefaultRegimes) with { Seed = Seed };

    /// <summary>The symmetry settings in force.</summary>
    public SymmetryBreakingOptions ResolvedSymmetry => Symmetry ?? DefaultSymmetry;

    /// <summary>The mode-emergence settings in force, with the run seed.</summary>
    public TrajectoriesOptions ResolvedModes => (Modes ?? DefaultModes) with { Seed = Seed };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        ResolvedRegimes.Validate();
        ResolvedSymmetry.Validate();
        ResolvedModes.Validate();
        ResolvedClasses.Validate();
        if (!(ExplainedVarianceThreshold > 0 && ExplainedVarianceThreshold < 1))
            throw new ArgumentOutOfRangeException(nameof(ExplainedVarianceThreshold), ExplainedVarianceThreshold, "The explained-variance threshold must lie in (0, 1).");
        if (ExplainedVarianceSamples < 8) throw new ArgumentOutOfRangeException(nameof(ExplainedVarianceSamples), ExplainedVarianceSamples, "ExplainedVarianceSamples must be ≥ 8.");
        if (ExplainedVariancePoints < 2) throw new ArgumentOutOfRangeException(nameof(ExplainedVariancePoints), ExplainedVariancePoints, "ExplainedVariancePoints must be ≥ 2.");
    }
}
