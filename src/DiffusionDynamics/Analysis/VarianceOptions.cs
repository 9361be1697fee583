namespace DiffusionDynamics.Analysis;

/// <summary>
/// Options of <see cref="VarianceExperiment"/> (generalization through variance, Vastola, ICLR 2025, arXiv 2504.12532; docs/theory.md §8.1–8.3).
/// Times are OU times.
/// </summary>
/// <param name="Times">Times of the ratio maps (1-D/2-D data) and curves. Default 0.02, 0.1, 0.3, 1. Range: each &gt; 0.</param>
/// <param name="GridPoints">Grid points per axis of the maps (1-D: this many; 2-D: this many per axis). Default 121. Range: ≥ 5.</param>
/// <param name="Margin">The map grid covers the data's range ± this. Default 0.75. Range: &gt; 0.</param>
/// <param name="Points">High-dimensional data: noised training points (and noised midpoints of pairs) per time. Default 256. Range: ≥ 2.</param>
/// <param name="CurveTimes">High-dimensional data: times of the curves, log-uniform on [0.01, 3]. Default 24. Range: ≥ 2.</param>
/// <param name="Fill">Run the linear-feature gap-filling sweeps (1-D data over P and ε; the four-point circle over rotation and features). Default true.</param>
/// <param name="Features">Feature family of the 1-D sweep. Default Gaussian bumps.</param>
/// <param name="PerCoordinate">Features per coordinate m (1-D sweep). Default 16. Range: ≥ 3.</param>
/// <param name="TimeBumps">Time bumps n_t. Default 8. Range: ≥ 1.</param>
/// <param name="TMax">Largest training time T = start of sampling. Default 2. Range: &gt; every cutoff.</param>
/// <param name="SampleCounts">Triples P per model of the 1-D sweep (F/P sweep at the middle cutoff). Default 32, 128, 512, 4096. Range: each ≥ 1.</param>
/// <param name="Cutoffs">Noise cutoffs ε of the 1-D sweep (at the middle P). Default 0.005, 0.02, 0.1. Range: each in (0, TMax).</param>
/// <param name="Models">Independently trained models averaged per setting (the paper: 100). Default 24. Range: ≥ 1.</param>
/// <param name="SamplesPerModel">Generated samples per model. Default 500. Range: ≥ 10.</param>
/// <param name="SamplingSteps">Heun steps of the probability-flow ODE. Default 60. Range: ≥ 2.</param>
/// <param name="Ridge">Ridge ρ relative to the mean diagonal of ΦᵀΩΦ. Default 1e-6. Range: &gt; 0.</param>
/// <param name="Circle">Run the four-points-on-the-circle setting (θ ∈ {0, π/8, π/4}; Gaussian vs Fourier features). Default true.</param>
/// <param name="CirclePerCoordinate">Features per coordinate of the circle setting. Default 9. Range: ≥ 3.</param>
/// <param name="CircleSamples">Triples per model of the circle setting. Default 1024. Range: ≥ 1.</param>
/// <param name="CircleCutoff">ε of the circle setting. Default 0.02. Range: (0, TMax).</param>
/// <param name="Bins">Histogram bins per axis of the averaged densities. Default 60. Range: ≥ 5.</param>
/// <param name="Seed">Seed of the triples, noise and samples.</param>
public sealed record VarianceOptions(
    double[]? Times = null,
    int GridPoints = 121,
    double Margin = 0.75,
    int Points = 256,
    int CurveTimes = 24,
    bool Fill = true,
    FeatureKind Features = FeatureKind.Gaussian,
    int PerCoordinate = 16,
    int TimeBumps = 8,
    double TMax = 2,
    int[]? SampleCounts = null,
    double[]? Cutoffs = null,
    int Models = 24,
    int SamplesPerModel = 500,
    int SamplingSteps = 60,
    double Ridge = 1e-6,
    bool Circle = true,
    int CirclePerCoordinate = 9,
    int CircleSamples = 1024,
    double CircleCutoff = 0.02,
    int Bins = 60,
    long Seed = 0)
{
    /// <summary>The map times in force.</summary>
    public double[] MapTimes => Times ?? [0.02, 0.1, 0.3, 1.0];

    /// <summary>The P values in force.</summary>
    public int[] SampleCountsOrDefault => SampleCounts ?? [32, 128, 512, 4096];

    /// <summary>The cutoffs in force.</summary>
    public double[] CutoffsOrDefault => Cutoffs ?? [0.005, 0.02, 0.1];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (MapTimes.Length == 0 || MapTimes.Any(t => !(t > 0) || !double.IsFinite(t)))
            throw new ArgumentException($"Times must be finite and > 0 (got {string.Join(", ", MapTimes)}).", nameof(Times));
        if (GridPoints < 5) throw new ArgumentException($"GridPoints must be ≥ 5 (got {GridPoints}).", nameof(GridPoints));
        if (!(Margin > 0) || !double.IsFinite(Margin)) throw new ArgumentException($"Margin must be finite and > 0 (got {Margin}).", nameof(Margin));
        if (Points < 2) throw new ArgumentException($"Points must be ≥ 2 (got {Points}).", nameof(Points));
        if (CurveTimes < 2) throw new ArgumentException($"CurveTimes must be ≥ 2 (got {CurveTimes}).", nameof(CurveTimes));
        if (!Enum.IsDefined(Features)) throw new ArgumentException($"Unknown feature kind {Features}.", nameof(Features));
        if (PerCoordinate < 3) throw new ArgumentException($"PerCoordinate must be ≥ 3 (got {PerCoordinate}).", nameof(PerCoordinate));
        if (TimeBumps < 1) throw new ArgumentException($"TimeBumps must be ≥ 1 (got {TimeBumps}).", nameof(TimeBumps));
        if (!(TMax > 0) || !double.IsFinite(TMax)) throw new ArgumentException($"TMax must be finite and > 0 (got {TMax}).", nameof(TMax));
        if (SampleCountsOrDefault.Length == 0 || SampleCountsOrDefault.Any(p => p < 1)) throw new ArgumentException("SampleCounts must be ≥ 1 each.", nameof(SampleCounts));
        if (CutoffsOrDefault.Length == 0 || CutoffsOrDefault.Any(e => !(e > 0) || !(e < TMax)))
            throw new ArgumentException($"Cutoffs must lie in (0, TMax = {TMax}) (got {string.Join(", ", CutoffsOrDefault)}).", nameof(Cutoffs));
        if (Models < 1) throw new ArgumentException($"Models must be ≥ 1 (got {Models}).", nameof(Models));
        if (SamplesPerModel < 10) throw new ArgumentException($"SamplesPerModel must be ≥ 10 (got {SamplesPerModel}).", nameof(SamplesPerModel));
        if (SamplingSteps < 2) throw new ArgumentException($"SamplingSteps must be ≥ 2 (got {SamplingSteps}).", nameof(SamplingSteps));
        if (!(Ridge > 0) || !double.IsFinite(Ridge)) throw new ArgumentException($"Ridge must be finite and > 0 (got {Ridge}).", nameof(Ridge));
        if (CirclePerCoordinate < 3) throw new ArgumentException($"CirclePerCoordinate must be ≥ 3 (got {CirclePerCoordinate}).", nameof(CirclePerCoordinate));
        if (CircleSamples < 1) throw new ArgumentException($"CircleSamples must be ≥ 1 (got {CircleSamples}).", nameof(CircleSamples));
        if (!(CircleCutoff > 0) || !(CircleCutoff < TMax)) throw new ArgumentException($"CircleCutoff must lie in (0, TMax = {TMax}) (got {CircleCutoff}).", nameof(CircleCutoff));
        if (Bins < 5) throw new ArgumentException($"Bins must be ≥ 5 (got {Bins}).", nameof(Bins));
    }
}
