using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>The score and related quantities derived from any <see cref="IDenoiser"/>.</summary>
public static class Score
{
    /// <summary>
    /// Tweedie: ∇ ln P_t(x) = (e^{−t} D(x, t) − x) / Δ_t (docs/theory.md §2). x: [B, d]; Range: t &gt; 0.
    /// </summary>
    public static Tensor Evaluate(IDenoiser denoiser, Tensor x, double t)
    {
        using var scope = NewDisposeScope();
        var d = denoiser.Denoise(x, t);
        return FromDenoised(x, d, t).MoveToOuterDisposeScope();
    }

    /// <summary>(e^{−t} D − x) / Δ_t for an already computed D.</summary>
    public static Tensor FromDenoised(Tensor x, Tensor denoised, double t)
    {
        double delta = OuTime.Delta(t);
        return (denoised * (OuTime.Decay(t) / delta)).sub_(x / delta);
    }

    /// <summary>
    /// The predicted noise ε̂ = (x − e^{−t} D) / √Δ_t, the quantity networks trained on ε regress.
    /// </summary>
    public static Tensor NoiseFromDenoised(Tensor x, Tensor denoised, double t)
    {
        double delta = OuTime.Delta(t);
        return (x - denoised * OuTime.Decay(t)).div_(Math.Sqrt(delta));
    }
}
