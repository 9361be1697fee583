namespace DiffusionDynamics.Theory;

/// <summary>How the top eigenpairs of a data covariance are computed.</summary>
public enum SpectrumMethod
{
    /// <summary><see cref="Exact"/> when d ≤ <see cref="SpectrumOptions.ExactMaxDimension"/>, else <see cref="Lanczos"/>.</summary>
    Auto,

    /// <summary>Form C (d×d, float64) and take its full symmetric eigendecomposition (LAPACK through libtorch).</summary>
    Exact,

    /// <summary>
    /// Lanczos with full reorthogonalization on v ↦ X̃ᵀ(X̃ v)/n (two float64 GEMVs per iteration), never forming C.
    /// </summary>
    Lanczos,
}

/// <summary>Options of <see cref="CovarianceSpectrum"/>; defaults documented per member.</summary>
/// <param name="Method">Exact, Lanczos or automatic choice (default <see cref="SpectrumMethod.Auto"/>).</param>
/// <param name="ExactMaxDimension">Largest d for which <see cref="SpectrumMethod.Auto"/> forms C (default 512).</param>
/// <param name="Tolerance">
/// Lanczos stops when every requested Ritz pair (θ_i, u_i) has residual ‖C u_i − θ_i u_i‖ ≤ Tolerance · θ_1; for a
/// symmetric C this bounds each eigenvalue error by the same amount, |θ_i − λ| ≤ Tolerance · θ_1 (default 1e-10).
/// </param>
/// <param name="MaxIterations">Cap on the Krylov dimension (default 300; typical runs need 30–60).</param>
/// <param name="Seed">Seed of the random Lanczos start vector (default 20240228).</param>
public sealed record SpectrumOptions(
    SpectrumMethod Method = SpectrumMethod.Auto,
    int ExactMaxDimension = 512,
    double Tolerance = 1e-10,
    int MaxIterations = 300,
    ulong Seed = 20240228)
{
    /// <summary>The defaults.</summary>
    public static SpectrumOptions Default { get; } = new();
}
