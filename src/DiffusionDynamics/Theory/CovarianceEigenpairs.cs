namespace DiffusionDynamics.Theory;

/// <summary>
/// Top-k eigenpairs of a centred data covariance C = (1/n) Σ_μ (a^μ − ā)(a^μ − ā)ᵀ.
/// </summary>
/// <param name="Eigenvalues">λ_1 ≥ … ≥ λ_k.</param>
/// <param name="Eigenvectors">Unit eigenvectors, Eigenvectors[i] of length d belongs to λ_i (sign arbitrary).</param>
/// <param name="Residuals">‖C u_i − λ_i u_i‖, recomputed explicitly from the returned pairs.</param>
/// <param name="Method">The method that ran (<see cref="SpectrumMethod.Exact"/> or <see cref="SpectrumMethod.Lanczos"/>).</param>
/// <param name="Iterations">Lanczos iterations (Krylov dimension); 0 for the exact method.</param>
/// <param name="Count">Number of data points n.</param>
/// <param name="Dimension">Dimension d.</param>
public sealed record CovarianceEigenpairs(
    double[] Eigenvalues,
    double[][] Eigenvectors,
    double[] Residuals,
    SpectrumMethod Method,
    int Iterations,
    int Count,
    int Dimension)
{
    /// <summary>Largest eigenvalue Λ = λ_1.</summary>
    public double Largest => Eigenvalues[0];

    /// <summary>Largest residual among the returned pairs.</summary>
    public double MaxResidual => Residuals.Max();
}
