using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// V ↦ J_s(x, t) V at one fixed point and time (<see cref="ScoreJacobian.Operator"/>). For the empirical score (<see cref="IPosteriorWeights"/>) the posterior is
/// computed once and kept as C = √w_μ (a^μ − D) over the rows that carry weight, so each product is Cov_w V = Cᵀ(C V): two GEMMs of
/// m × d × k with m ≤ n (instead of a fresh O(n·d) posterior and the uncentred Aᵀ(w ⊙ AV) − D(DᵀV), which cancels when Cov_w is
/// small). Rows with w_μ ≤ <see cref="ScoreJacobian.RelativeWeightCutoff"/> · max w are dropped (below float64 round-off).
/// Other denoisers apply <see cref="ScoreJacobian.Apply"/> each time.
/// </summary>
public sealed class JacobianOperator : IDisposable
{
    private readonly IDenoiser denoiser;
    private readonly Tensor point;
    private readonly double t;
    private readonly double? step;
    private readonly Tensor? weightedCentred; // C: [m, d] in the denoiser's precision

    internal JacobianOperator(IDenoiser denoiser, Tensor point, double t, double? step)
    {
        this.denoiser = denoiser;
        this.t = t;
        this.step = step;
        this.point = point.detach().clone().MoveToOuterDisposeScope();
        if (denoiser.As<IPosteriorWeights>() is { } e)
        {
            weightedCentred = ScoreJacobian.WeightedCentred(e, this.point, t).MoveToOuterDisposeScope();
            ActiveRows = (int)weightedCentred.shape[0];
        }
        else ActiveRows = -1;
    }

    /// <summary>Dimension d.</summary>
    public int Dimension => denoiser.Dimension;

    /// <summary>Training points kept in the posterior (empirical score), −1 for other denoisers.</summary>
    public int ActiveRows { get; }

    /// <summary>J_s V: [d, k] float64 for V: [d] or [d, k].</summary>
    public Tensor Apply(Tensor v)
    {
        if (weightedCentred is null) return ScoreJacobian.Apply(denoiser, point, t, v, step);
        using var scope = NewDisposeScope();
        var vs = ScoreJacobian.RequireDirections(denoiser, v, nameof(v), orthonormal: false);
        return ScoreJacobian.EmpiricalProduct(weightedCentred, vs, t).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        point.Dispose();
        weightedCentred?.Dispose();
    }
}
