using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// Sinusoidal features of the OU time, taken in u = ln t so that every decade of t gets the same resolution
/// (t ∈ [1e−3, 10] ↦ u ∈ [−6.9, 2.3]):
/// <code>
///   emb(t) = [sin(ω_0 u), …, sin(ω_{K−1} u), cos(ω_0 u), …, cos(ω_{K−1} u)],  K = E/2,
///   ω_k = 10^{−1 + 2k/(K−1)}  (geometric from 0.1 to 10; ω_0 = 1 when K = 1)
/// </code>
/// The slowest frequency has period 2π/0.1 ≈ 63 in u, longer than the u-range of training, so emb is one-to-one there.
/// </summary>
internal static class SinusoidalEmbedding
{
    /// <summary>t: [B] (positive) → [B, E] float32.</summary>
    public static Tensor Embed(Tensor t, int size)
    {
        int half = size / 2;
        var freqs = new float[half];
        for (int k = 0; k < half; k++) freqs[k] = half == 1 ? 1f : (float)Math.Pow(10.0, -1.0 + 2.0 * k / (half - 1));
        using var w = torch.tensor(freqs);
        var u = t.to_type(ScalarType.Float32).log().unsqueeze(1) * w.unsqueeze(0); // [B, K]
        return torch.cat([u.sin(), u.cos()], 1);
    }
}
