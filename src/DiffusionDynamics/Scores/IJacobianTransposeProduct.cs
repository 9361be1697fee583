using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Capability: vector–Jacobian products J_sᵀ V of the score by automatic differentiation (trained networks).
/// J_sᵀV has the singular values of J_s, which is what the Jacobian spectra need (Achilli et al., arXiv 2410.08727;
/// docs/theory.md §6).
/// </summary>
public interface IJacobianTransposeProduct : IDenoiser
{
    /// <summary>J_s(x, t)ᵀ V: [d, k] float64 for x: [d] or [1, d] and V: [d] or [d, k] (finite). Range: t &gt; 0.</summary>
    Tensor ScoreJacobianTransposeApply(Tensor x, double t, Tensor v);
}
