namespace DiffusionDynamics.Scores;

/// <summary>The covariance model of each component of a <see cref="MixtureDenoiser"/> fitted to data.</summary>
public enum MixtureCovariance
{
    /// <summary>C_j = the component's sample covariance (d×d eigendecomposition per component; O(d²) memory each).</summary>
    Full,
    /// <summary>
    /// C_j = U_r Λ_r U_rᵀ + σ²_⊥ (I − U_r U_rᵀ): the top r eigenpairs of the sample covariance and the mean residual
    /// variance σ²_⊥ = (tr C_j − Σ_{k≤r} λ_k)/(d − r) on the rest (probabilistic PCA). Non-singular and O(d·r) per component.
    /// </summary>
    LowRank,
    /// <summary>C_j = σ_j² I with σ_j² = tr C_j / d.</summary>
    Isotropic,
}
