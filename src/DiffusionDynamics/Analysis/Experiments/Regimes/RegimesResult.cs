namespace DiffusionDynamics.Analysis;

/// <summary>What was analysed. Λ is the largest eigenvalue of the centred data covariance (1/n convention).</summary>
public sealed record RegimesData(string Name, int N, int D, double LambdaMax, double MeanVariance, IReadOnlyList<string> Preprocessing,
    IReadOnlyList<int>? Classes);

/// <summary>One branch time of the speciation curve.</summary>
/// <param name="T">Branch time (OU).</param>
/// <param name="Phi">φ(t): share of clone pairs ending in the same class.</param>
/// <param name="Stderr">Binomial standard error of φ.</param>
/// <param name="PhiNormalized">φ̃ = (φ − φ∞)/(1 − φ∞).</param>
/// <param name="TOverTs">t / t_S(theory).</param>
/// <param name="Theory">Two-cluster quadrature φ(t) where the data are the two-cluster model, else null.</param>
public sealed record SpeciationPoint(double T, double Phi, double Stderr, double PhiNormalized, double? TOverTs, double? Theory);

/// <summary>Speciation: theory ½ ln Λ beside the cloning measurement.</summary>
/// <param name="Theory">t_S = ½ ln Λ.</param>
/// <param name="TheoryDefined">False when Λ ≤ 1 (t_S ≤ 0: no speciation at positive t).</param>
/// <param name="Measured">Where φ̃ falls through the normalized two-cluster level (null: no crossing or no classes).</param>
/// <param name="Stderr">Bootstrap standard error of the measured t_S (resampling clone pairs).</param>
/// <param name="ReferencePhi">The two-cluster model's φ(t_S) from the quadrature (the level's origin).</param>
/// <param name="NormalizedLevel">(φ_ref − ½)/(1 − ½): the level φ̃ crosses at t_S.</param>
/// <param name="PhiInfinity">φ∞ = Σ_c p_c² over the class shares p_c.</param>
/// <param name="ClassRule">How classes were decided.</param>
/// <param name="ClassifierTestAccuracy">Held-out accuracy of the classifier, where one was trained.</param>
/// <param name="BootstrapCrossings">Number of bootstrap resamples that had a crossing.</param>
/// <param name="Note">Why a measurement is missing, if it is.</param>
/// <param name="TheoryCurve">The two-cluster quadrature φ(t) on a fine grid (two-cluster data only).</param>
public sealed record SpeciationResult(double Theory, bool TheoryDefined, double? Measured, double? Stderr, double ReferencePhi,
    double NormalizedLevel, double PhiInfinity, string ClassRule, double? ClassifierTestAccuracy, int BootstrapCrossings,
    IReadOnlyList<SpeciationPoint> Curve, string? Note, IReadOnlyList<TheoryPoint>? TheoryCurve)
{
    /// <summary>Branch times of the refinement pass around the coarse crossing (empty: coarse pass only). Their points are in <see cref="Curve"/>.</summary>
    public IReadOnlyList<double> RefinedTimes { get; init; } = [];

    /// <summary>Refinement rounds run (each with new parents at <see cref="RefinedTimes"/>).</summary>
    public int RefineRounds { get; init; }

    /// <summary>Where the refinement clones were classified (D(x(t_r), t_r)); null: at t_min (docs/theory.md §4.4a).</summary>
    public double? ReadoutTime { get; init; }

    /// <summary>Whether the refinement parents were exact draws of the forward marginal at the refined times (the exact empirical score).</summary>
    public bool ExactParents { get; init; }

    /// <summary>Points of <see cref="RelativeTheoryCurve"/>.</summary>
    public const int RelativeTheoryPoints = 200;

    /// <summary>
    /// The normalized two-cluster curve φ̃ = 2 φ(τ t_S) − 1 against τ = t/t_S in the large-d limit (|m|² = d → ∞, σ = 1; evaluated at
    /// d = 10⁶ by <see cref="global::DiffusionDynamics.Theory.CloningProbability.AtRelativeTime"/>), on τ = k·τ_max/200, k = 1…200, τ_max = max(3, largest measured t/t_S):
    /// the reference of the normalized speciation figure (Biroli et al. 2024, docs/theory.md §4). <see cref="TheoryPoint.T"/> holds τ.
    /// </summary>
    public IReadOnlyList<TheoryPoint> RelativeTheoryCurve { get; init; } = LargeDimensionCurve(Curve);

    private static TheoryPoint[] LargeDimensionCurve(IReadOnlyList<SpeciationPoint> curve)
    {
        double max = Math.Max(3, curve.Select(c => c.TOverTs ?? double.NaN).Where(double.IsFinite).DefaultIfEmpty(3).Max());
        return Enumerable.Range(1, RelativeTheoryPoints).Select(i => i * max / RelativeTheoryPoints)
            .Select(tau => new TheoryPoint(tau, 2 * global::DiffusionDynamics.Theory.CloningProbability.AtRelativeTime(tau, 1000.0, 1.0) - 1)).ToArray();
    }
}

/// <summary>A point of a closed-form curve.</summary>
public sealed record TheoryPoint(double T, double Value);

/// <summary>One branch time of the collapse curves.</summary>
/// <param name="T">Time (OU).</param>
/// <param name="PhiC">φ_C(t): share of clone pairs ending at the same nearest training point.</param>
/// <param name="Stderr">Binomial standard error of φ_C.</param>
/// <param name="F">Monte-Carlo excess entropy f(t).</param>
/// <param name="FStderr">Its standard error.</param>
/// <param name="FOverAlpha">f(t)/α, α = ln n / d.</param>
public sealed record CollapsePoint(double T, double PhiC, double Stderr, double F, double FStderr, double FOverAlpha);

/// <summary>Collapse: closed forms beside the measurements on trajectories and the excess-entropy estimator.</summary>
/// <param name="TheoryGaussian">t_C = ½ ln(1 + σ²/(n^{2/d} − 1)) for Gaussian data with the data's n, d and σ² = tr C / d.</param>
/// <param name="TheoryAnisotropic">t_C of Gaussian data with the data's full covariance spectrum (null when d is too large to diagonalize).</param>
/// <param name="TheoryTwoCluster">t_C of the two-cluster model (synthetic two-cluster data only).</param>
/// <param name="EntropyCrossing">Zero of the Monte-Carlo f(t).</param>
/// <param name="EntropyCrossingStderr">Its error.</param>
/// <param name="LastChangeMean">Mean over trajectories of t̂_C, the last change of μ*(t).</param>
/// <param name="LastChangeStd">Standard deviation of t̂_C over trajectories.</param>
/// <param name="LastChangeTimes">t̂_C per trajectory.</param>
/// <param name="MemorizedFraction">Share of final samples with nearest/second-nearest distance ratio &lt; 1/3.</param>
/// <param name="Alpha">α = ln n / d.</param>
/// <param name="Curve">Per branch time: φ_C and f.</param>
/// <param name="EntropyCurve">f(t) on every time it was estimated (branch times and the finer log grid), where its zero is located.</param>
public sealed record CollapseResult(double TheoryGaussian, double? TheoryAnisotropic, double? TheoryTwoCluster, double? EntropyCrossing,
    double? EntropyCrossingStderr, double LastChangeMean, double LastChangeStd, double[] LastChangeTimes, double MemorizedFraction,
    double Alpha, IReadOnlyList<CollapsePoint> Curve, IReadOnlyList<ExcessEntropyPoint>? EntropyCurve = null)
{
    /// <summary>Why a collapse figure cannot be read as measured (e.g. t̂_C = T: no change of nearest point was seen, or f's zero outside the measured times), else null.</summary>
    public string? Note { get; init; }

    /// <summary>[first, last] time of the excess entropy: it brackets the branch times and ½–2 × every theoretical t_C (docs/theory.md).</summary>
    public double[]? EntropyRange { get; init; }
}

/// <summary>Run settings and timings recorded with the result.</summary>
/// <param name="Classifier">The classifier kind chosen for labelled data (recorded even where the data's classes came another way).</param>
/// <param name="Score">Which score ran the trajectories: "exact empirical score" or the trained model's description.</param>
public sealed record RegimesRun(int Pairs, int Steps, int GridTimes, double TMax, double TMin, string Sampler, string Start, long Seed,
    int EntropySamples, int Bootstrap, double CloningSeconds, double EntropySeconds, double TotalSeconds, string Score = "exact empirical score",
    string Classifier = "Logistic")
{
    /// <summary>The certified pruning tolerance ε of the exact empirical score in the trajectories (0: dense; docs/theory.md §10.7).</summary>
    public double PruneTolerance { get; init; }

    /// <summary>The largest certified bound on the posterior mass dropped from one sample in any call of the trajectories (≤ ε).</summary>
    public double MaxDroppedMass { get; init; }

    /// <summary>Denoiser calls of the trajectories in which some sample dropped a column block, and all calls.</summary>
    public long PrunedCalls { get; init; }

    /// <inheritdoc cref="PrunedCalls"/>
    public long DenoiserCalls { get; init; }
}

/// <summary>The three regimes of generation measured on one dataset (Biroli et al. 2024, arXiv 2402.18491). All times OU.</summary>
public sealed record RegimesResult(string Clock, RegimesData Data, SpeciationResult Speciation, CollapseResult Collapse, RegimesRun Run)
{
    /// <summary>Final samples of the parent trajectories ([P, d] row-major), kept for figures; not serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[] Samples { get; init; } = [];

    /// <summary>Nearest training index of each final sample; not serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long[] Nearest { get; init; } = [];
}
