using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>How the drift's Jacobian ∂f = I + c ∂∇ln P_t is handled.</summary>
public enum JacobianMethod
{
    /// <summary>Dense when the score has a closed-form Jacobian and d ≤ <see cref="SymmetryBreakingOptions.DenseMaxDimension"/>, else projected.</summary>
    Auto,

    /// <summary>The full d×d Jacobian: Newton in ℝ^d for x*, full spectrum.</summary>
    Dense,

    /// <summary>UᵀJU on the top-k principal directions U: Newton for x* restricted to c + span(U), Ritz values (cheap for large d, any denoiser).</summary>
    Projected,
}

/// <summary>Which point the symmetry is about.</summary>
public enum CentreChoice
{
    /// <summary>The data mean ā: the data are centred (a − ā), as for t_S = ½ ln Λ (Biroli et al.); the centre at time t is e^{−t} ā.</summary>
    DataMean,

    /// <summary>The origin (for data or models symmetric about 0, e.g. the analytic two-cluster score).</summary>
    Origin,
}

/// <summary>
/// Options of <see cref="SymmetryBreakingAnalysis"/> (Raya &amp; Ambrogioni, arXiv 2305.19693). Times are OU times.
/// </summary>
/// <param name="Drift">SDE (default, the drift of docs/theory.md §5) or PF-ODE.</param>
/// <param name="TMin">Smallest grid time. Default 0.05. Range: &gt; 0.</param>
/// <param name="TMax">Largest grid time (default max(1.5, 2 t_S), t_S = ½ ln Λ). Range: &gt; TMin.</param>
/// <param name="Times">Grid points, uniform in t. Default 40. Range: ≥ 3.</param>
/// <param name="Directions">Principal directions u_k for branches and projections. Default 3. Range: 1 ≤ k ≤ min(d, n − 1) (clamped).</param>
/// <param name="Eigenvalues">Largest eigenvalues kept per time (at most d); in projected mode also the number of principal directions
/// the Jacobian is projected on, max(Directions, Eigenvalues). Default 8. Range: ≥ 1.</param>
/// <param name="BracketPoints">Grid points in q for the root brackets along each u_k (even, so q = 0 is never a node). Default 200. Range: ≥ 10.</param>
/// <param name="PotentialTimes">Times at which the drift and potential along u₁ are recorded. Default 4. Range: 0–12.</param>
/// <param name="Method">Dense, projected or automatic (default).</param>
/// <param name="DenseMaxDimension">Largest d for the automatic dense method. Default 256 (the dense empirical Jacobian costs n·d² per Newton step; 784-d images take ~10× longer dense than projected).</param>
/// <param name="Centre">Data mean (default) or origin.</param>
/// <param name="RefineCrossing">Refine the critical time by bisection in t (default true); otherwise linear interpolation on the grid.</param>
/// <param name="NewtonIterations">Maximum Newton iterations per time. Default 50.</param>
/// <param name="FiniteDifferenceStep">Step for denoisers without closed-form Jacobian (default <see cref="Scores.ScoreJacobian.DefaultStep"/>).</param>
public sealed record SymmetryBreakingOptions(
    ReverseDrift Drift = ReverseDrift.Sde,
    double TMin = 0.05,
    double? TMax = null,
    int Times = 40,
    int Directions = 3,
    int Eigenvalues = 8,
    int BracketPoints = 200,
    int PotentialTimes = 4,
    JacobianMethod Method = JacobianMethod.Auto,
    int DenseMaxDimension = 256,
    CentreChoice Centre = CentreChoice.DataMean,
    bool RefineCrossing = true,
    int NewtonIterations = 50,
    double? FiniteDifferenceStep = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (!(TMin > 0) || !double.IsFinite(TMin)) throw new ArgumentException($"TMin must be finite and > 0 (got {TMin}).", nameof(TMin));
        if (TMax is double tm && (!double.IsFinite(tm) || tm <= TMin)) throw new ArgumentException($"TMax must be finite and > TMin = {TMin} (got {tm}).", nameof(TMax));
        if (Times < 3) throw new ArgumentException($"Times must be ≥ 3 (got {Times}).", nameof(Times));
        if (Directions < 1) throw new ArgumentException($"Directions must be ≥ 1 (got {Directions}).", nameof(Directions));
        if (Eigenvalues < 1) throw new ArgumentException($"Eigenvalues must be ≥ 1 (got {Eigenvalues}).", nameof(Eigenvalues));
        if (BracketPoints < 10) throw new ArgumentException($"BracketPoints must be ≥ 10 (got {BracketPoints}).", nameof(BracketPoints));
        if (PotentialTimes is < 0 or > 12) throw new ArgumentException($"PotentialTimes must be in [0, 12] (got {PotentialTimes}).", nameof(PotentialTimes));
        if (DenseMaxDimension < 1) throw new ArgumentException($"DenseMaxDimension must be ≥ 1 (got {DenseMaxDimension}).", nameof(DenseMaxDimension));
        if (NewtonIterations < 1) throw new ArgumentException($"NewtonIterations must be ≥ 1 (got {NewtonIterations}).", nameof(NewtonIterations));
        if (FiniteDifferenceStep is double h && (!(h > 0) || !double.IsFinite(h)))
            throw new ArgumentException($"FiniteDifferenceStep must be finite and > 0 (got {h}).", nameof(FiniteDifferenceStep));
        if (!Enum.IsDefined(Drift)) throw new ArgumentException($"Unknown drift {Drift}.", nameof(Drift));
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Unknown method {Method}.", nameof(Method));
        if (!Enum.IsDefined(Centre)) throw new ArgumentException($"Unknown centre {Centre}.", nameof(Centre));
    }
}
