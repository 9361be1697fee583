namespace DiffusionDynamics.Analysis;

/// <summary>One (d, n) point of the phase diagram: the measured speciation and collapse times beside their closed forms. All times OU.</summary>
/// <param name="Index">Point index k in the sweep's fixed order.</param>
/// <param name="D">Dimension d.</param>
/// <param name="N">Training-set size n.</param>
/// <param name="Seed">Seed of the point's data and trajectories, Mix(run seed, k).</param>
/// <param name="Alpha">α = ln n / d.</param>
/// <param name="SpeciationTheory">t_S = ½ ln Λ of the population (Λ = 1 + d for the two-cluster model, 1 otherwise: t_S = 0, no speciation).</param>
/// <param name="SpeciationMeasured">t_S measured by cloning (two-cluster data only; null when not measured or no crossing).</param>
/// <param name="SpeciationStderr">Bootstrap error of the measured t_S.</param>
/// <param name="CollapseTheory">t_C of the population: ½ ln(1 + 1/(n^{2/d} − 1)) for isotropic Gaussian data; two-cluster and spectrum forms otherwise (docs/theory.md §4.5).</param>
/// <param name="CollapseEntropy">t_C from the zero of the leave-one-out excess entropy f(t) (null: no sign change in the window).</param>
/// <param name="CollapseEntropyStderr">Its delta-method error.</param>
/// <param name="LastChangeMean">Mean over trajectories of the last change of the nearest training point, t̂_C.</param>
/// <param name="LastChangeStderr">Its standard error, sd/√P.</param>
/// <param name="MemorizedFraction">Share of final samples with d₁/d₂ &lt; 1/3.</param>
/// <param name="Seconds">Wall time of the point (a timing: differs between runs).</param>
public sealed record PhasePoint(int Index, int D, int N, long Seed, double Alpha, double SpeciationTheory, double? SpeciationMeasured, double? SpeciationStderr,
    double CollapseTheory, double? CollapseEntropy, double? CollapseEntropyStderr, double LastChangeMean, double LastChangeStderr, double MemorizedFraction,
    double Seconds);

/// <summary>The closed-form t_C(n) of the family at dimension d on a fine grid of n (figure reference).</summary>
public sealed record PhaseTheoryCurve(int D, IReadOnlyList<TheoryPoint> Points);

/// <summary>A line of the collapse boundary: t_C = τ along ln n = c(τ)·d, c(τ) = −½ ln(1 − e^{−2τ}) (isotropic Gaussian data).</summary>
public sealed record PhaseBoundary(double Tau, double C);

/// <summary>
/// The phase diagram of the regimes (Biroli et al. 2024, arXiv 2402.18491, Sec. 4): over a grid of d and n, t_S and t_C measured on the
/// exact empirical score's dynamics beside their closed forms, and the collapse boundary n ∼ e^{d·c} (docs/theory.md §4.8).
/// <see cref="GaussianAlphaCurve"/> is t_C = −½ ln(1 − e^{−2α}) of isotropic Gaussian data against α = ln n / d (<see cref="TheoryPoint.T"/> holds α).
/// </summary>
public sealed record PhaseResult(string Clock, PhaseFamily Family, IReadOnlyList<int> Dimensions, IReadOnlyList<int> Sizes, IReadOnlyList<PhasePoint> Points,
    IReadOnlyList<PhaseTheoryCurve> TheoryCurves, IReadOnlyList<PhaseBoundary> Boundary, IReadOnlyList<TheoryPoint> GaussianAlphaCurve);
