using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>The data seen by a symmetry-breaking analysis.</summary>
/// <param name="Name">Dataset name.</param>
/// <param name="N">Number of training points n.</param>
/// <param name="D">Dimension d.</param>
/// <param name="LambdaMax">Λ, the largest eigenvalue of the centred covariance.</param>
/// <param name="DirectionVariances">λ_k, the covariance eigenvalues along the analysed principal directions u_k.</param>
/// <param name="DirectionExtents">max_μ |u_k·(a^μ − c)|, the extent of the data along u_k around the centre c.</param>
public sealed record SymmetryDataInfo(string Name, int N, int D, double LambdaMax, double[] DirectionVariances, double[] DirectionExtents);

/// <summary>A two-cluster model ½N(+m, σ²I) + ½N(−m, σ²I) with closed forms (two points ±m: σ = 0).</summary>
/// <param name="MeanNormSq">M = |m|². Range: &gt; 0.</param>
/// <param name="Sigma">σ ≥ 0.</param>
/// <param name="Label">How the model was identified, for reports (e.g. "two points ±1").</param>
public sealed record TwoClusterModel(double MeanNormSq, double Sigma, string Label);

/// <summary>The central fixed point and the drift's Jacobian spectrum there, at one time.</summary>
/// <param name="T">OU time t.</param>
/// <param name="Eigenvalues">Largest eigenvalues of ∂f at x*(t), descending (Ritz values UᵀJU in projected mode).</param>
/// <param name="Residual">|f(x*, t)| after Newton (projected mode: |Uᵀ f|).</param>
/// <param name="Converged">Residual ≤ 1e-6 (1 + |x* − c|) √d.</param>
/// <param name="Distance">|x*(t) − c(t)|, the fixed point's distance from the centre c(t) = e^{−t} c.</param>
/// <param name="Projections">u_k·(x*(t) − c(t)) for the analysed directions.</param>
/// <param name="TopOverlap">|v₁·u₁|, overlap of the top eigenvector of ∂f with the top principal direction (dense mode; else null).</param>
/// <param name="LargestAtCentre">Largest eigenvalue of ∂f at the centre c(t) itself (Biroli et al.'s V″(0)); equals Eigenvalues[0] for
/// symmetric data (x* = c), and stays smooth where an imperfect symmetry makes x*(t) jump.</param>
public sealed record CentrePoint(double T, double[] Eigenvalues, double Residual, bool Converged, double Distance, double[] Projections, double? TopOverlap,
    double LargestAtCentre);

/// <summary>One fixed point of the drift on the line x*(t) + q u_k.</summary>
/// <param name="Direction">k (0-based index of the principal direction u_k).</param>
/// <param name="T">OU time t.</param>
/// <param name="Q">Coordinate q of the root of g(q) = u_k·f(x* + q u_k, t).</param>
/// <param name="Stable">g′(q) &lt; 0 (stable along u_k for the backward dynamics).</param>
/// <param name="Slope">g′(q) from the final bisection bracket.</param>
public sealed record BranchPoint(int Direction, double T, double Q, bool Stable, double Slope);

/// <summary>The drift and its potential along u₁ through x*(t) at one time: g(q) = u₁·f, V(q) = −∫₀^q g.</summary>
public sealed record PotentialCurve(double T, double[] Q, double[] Drift, double[] Potential);

/// <summary>Timing of a run, seconds.</summary>
public sealed record SymmetryRunInfo(double CentreSeconds, double BranchSeconds, double TotalSeconds);

/// <summary>
/// Result of <see cref="SymmetryBreakingAnalysis"/>: the centre's spectrum over t, the critical time at which it
/// loses stability, the fixed-point branches (bifurcation diagram) along the principal directions, and potentials.
/// Every time is an OU time t (<see cref="Clock"/>).
/// </summary>
/// <param name="Clock">"OU time t".</param>
/// <param name="Data">The data.</param>
/// <param name="Score">Which score was analysed (e.g. "exact empirical score").</param>
/// <param name="Drift">SDE (x + 2∇ln P_t) or PF-ODE (x + ∇ln P_t).</param>
/// <param name="Method">Dense (full Jacobian) or Projected (on the principal directions).</param>
/// <param name="Centre">What "centre" means: the data mean (the data are centred) or the origin.</param>
/// <param name="CriticalTime">OU time at which the largest eigenvalue of ∂f at x*(t) crosses 0 (refined by bisection); null if no crossing on the grid.</param>
/// <param name="CriticalTimeAtCentre">Where the largest eigenvalue at the centre c(t) (not at x*) crosses 0, linearly interpolated on the grid; null if none.</param>
/// <param name="CriticalTimeClosedForm">The two-cluster / two-point closed form, when <see cref="Model"/> is known (∞ as null with a note).</param>
/// <param name="SpeciationTime">t_S = ½ ln Λ (Biroli et al.), for comparison (null when Λ ≤ 1).</param>
/// <param name="GaussianCriticalTime">½ ln(Λ − 1): where the top mode of a Gaussian with this Λ turns unstable (SDE, Λ &gt; 2).</param>
/// <param name="Model">The closed-form model the data follow, if any.</param>
/// <param name="Note">A remark on the critical time (e.g. why there is none).</param>
/// <param name="Times">The t grid, descending.</param>
/// <param name="CentreCurve">x*(t) and the spectrum per grid time.</param>
/// <param name="Branches">Every fixed point found on the lines x* + q u_k.</param>
/// <param name="Potentials">Drift and potential along u₁ at a few times.</param>
/// <param name="Run">Timings.</param>
public sealed record SymmetryResult(
    string Clock,
    SymmetryDataInfo Data,
    string Score,
    ReverseDrift Drift,
    JacobianMethod Method,
    CentreChoice Centre,
    double? CriticalTime,
    double? CriticalTimeAtCentre,
    double? CriticalTimeClosedForm,
    double? SpeciationTime,
    double? GaussianCriticalTime,
    TwoClusterModel? Model,
    string? Note,
    double[] Times,
    IReadOnlyList<CentrePoint> CentreCurve,
    IReadOnlyList<BranchPoint> Branches,
    IReadOnlyList<PotentialCurve> Potentials,
    SymmetryRunInfo Run);

