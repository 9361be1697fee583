using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// A source of the denoiser D(x, t) = E[a | x(t) = x] in the OU clock (docs/theory.md §2), for a batch.
/// Implementations check shapes and t, never keep per-call state, and return a new tensor of the input's
/// dtype with shape [B, d]. What a source can do beyond D (closed-form Jacobians, posterior weights, class
/// posteriors…) is asked with <see cref="DenoiserCapabilities.As{T}"/>, never by testing for a concrete class.
/// </summary>
public interface IDenoiser
{
    /// <summary>Dimension d of the data.</summary>
    int Dimension { get; }

    /// <summary>D(x, t) for x: [B, d], t &gt; 0.</summary>
    Tensor Denoise(Tensor x, double t);

    /// <summary>
    /// The precision whose round-off ε bounds D's relative error; it sets the default finite-difference step
    /// h = ε^{1/3} √Δ_t (<see cref="ScoreJacobian.DefaultStep"/>). Default <see cref="Scores.Precision.Float32"/>
    /// (trained networks and any source that does not say otherwise).
    /// </summary>
    Precision Precision => Precision.Float32;
}
