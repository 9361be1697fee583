using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// A source of the denoiser D(x, t) = E[a | x(t) = x] in the OU clock (science.md §2), for a batch.
/// Implementations check shapes and t, never keep per-call state, and return a new tensor of the input's
/// dtype with shape [B, d].
/// </summary>
public interface IDenoiser
{
    /// <summary>Dimension d of the data.</summary>
    int Dimension { get; }

    /// <summary>D(x, t) for x: [B, d], t &gt; 0.</summary>
    Tensor Denoise(Tensor x, double t);
}
