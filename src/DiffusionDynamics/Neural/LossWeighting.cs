namespace DiffusionDynamics.Neural;

/// <summary>
/// Weight λ(t) of the denoising score matching loss in the OU clock, with x_t = e^{−t} a + √Δ_t z:
/// L = E_{a, t, z} λ(t) · (1/d) |ε̂(x_t, t) − z|².
/// </summary>
public enum LossWeighting
{
    /// <summary>λ = 1: plain ε-MSE (Ho et al. 2020's "simple" loss; default). Balanced across t in ε units.</summary>
    Epsilon,

    /// <summary>
    /// λ = 1/Δ_t: the score MSE |s_θ − ∇ ln p_t|² with s_θ = −ε̂/√Δ_t and target −z/√Δ_t (Song et al. 2021 with
    /// λ = 1). Puts weight ~1/(2t) on small t; with TMin = 1e-3 the weights span ~500×, so gradients are noisier.
    /// </summary>
    Score,
}
