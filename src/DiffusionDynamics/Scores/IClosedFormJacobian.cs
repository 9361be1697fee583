using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Capability: the score Jacobian J_s(x, t) = ∂∇ln P_t(x) in closed form, as products J_s V (docs/theory.md §2;
/// the formulas of each source are listed on <see cref="ScoreJacobian"/>). Call it through
/// <see cref="ScoreJacobian.Apply"/> / <see cref="ScoreJacobian.Dense"/>, which check the arguments; implementations
/// receive them checked and converted.
/// </summary>
public interface IClosedFormJacobian : IDenoiser
{
    /// <summary>J_s(x, t) V: [d, k] float64, for one point x: [d] float64 and V: [d, k] float64 (both finite). Range: t &gt; 0.</summary>
    Tensor ScoreJacobianProduct(Tensor point, double t, Tensor directions);

    /// <summary>The dense J_s(x, t): [d, d] float64 for x: [d] float64. Default: <see cref="ScoreJacobianProduct"/> with V = I.</summary>
    Tensor ScoreJacobianDense(Tensor point, double t)
    {
        using var scope = NewDisposeScope();
        return ScoreJacobianProduct(point, t, eye(Dimension, dtype: ScalarType.Float64)).MoveToOuterDisposeScope();
    }
}
