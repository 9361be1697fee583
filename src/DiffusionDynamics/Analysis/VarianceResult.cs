namespace DiffusionDynamics.Analysis;

/// <summary>The DSM target's noise over a grid at one time (1-D: X = [x axis]; 2-D: X = [x₁ axis, x₂ axis], values row-major [i₁ · n₂ + i₂]).</summary>
public sealed record VarianceMap(double T, double[][] X, double[] Ratio, double[] TraceC, double[] ScoreNorm2);

/// <summary>The mean ratio tr C/(tr C + |s|²) against t at one kind of location (high-dimensional data), with its standard error.</summary>
public sealed record VarianceCurve(string Where, double[] Times, double[] MeanRatio, double[] StandardError);

/// <summary>One gap-filling setting: M linear models (or the exact score) and the mass they put between the training points.</summary>
/// <param name="Setting">"1-D P sweep", "1-D cutoff sweep", "circle θ = 22.5°", …</param>
/// <param name="FeatureKind">Gaussian or Fourier (null for the exact empirical score).</param>
/// <param name="Features">F (0 for the exact score).</param>
/// <param name="Samples">P triples per model (0 for the exact score).</param>
/// <param name="Cutoff">ε.</param>
/// <param name="Rotation">θ of the circle setting (radians), else 0.</param>
/// <param name="Mass">Share of samples farther than δ from every training point, mean over models.</param>
/// <param name="Stderr">Its standard error over models (binomial for the exact score).</param>
/// <param name="Density">Averaged generated density (histogram on <see cref="VarianceResult.DensityAxis"/>, 2-D row-major).</param>
/// <param name="Models">M.</param>
public sealed record FillPoint(string Setting, FeatureKind? FeatureKind, int Features, int Samples, double Cutoff, double Rotation, double Mass, double Stderr,
    double[] Density, int Models);

/// <summary>
/// Result of <see cref="VarianceExperiment"/> (Vastola, ICLR 2025, arXiv 2504.12532; docs/theory.md §8.1–8.3). Times are OU times.
/// </summary>
/// <param name="Clock">"OU time t".</param>
/// <param name="Data">Name of the data.</param>
/// <param name="N">n.</param>
/// <param name="D">d.</param>
/// <param name="Points">The training points when d ≤ 2 (for figures), else empty.</param>
/// <param name="Maps">Ratio maps (d ≤ 2).</param>
/// <param name="Curves">Mean ratio against t at noised training points, noised midpoints and along probability-flow trajectories (any d).</param>
/// <param name="Fill">Gap-filling settings.</param>
/// <param name="GapRadius1D">δ of the 1-D sweep.</param>
/// <param name="DensityAxis">Histogram range and bins (lo, hi, bins) of the 1-D densities; the circle densities use <see cref="CircleAxis"/>.</param>
/// <param name="CircleAxis">(lo, hi, bins) per axis of the circle densities.</param>
/// <param name="CirclePoints">The four points of each circle rotation (θ → points).</param>
/// <param name="Notes">What was not run and why.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record VarianceResult(string Clock, string Data, int N, int D, double[][] Points, IReadOnlyList<VarianceMap> Maps, IReadOnlyList<VarianceCurve> Curves,
    IReadOnlyList<FillPoint> Fill, double GapRadius1D, double[] DensityAxis, double[] CircleAxis, IReadOnlyDictionary<string, double[][]> CirclePoints,
    IReadOnlyList<string> Notes, double Seconds);
