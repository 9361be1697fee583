using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>Argument checks shared by every denoiser: shape [B, d], finite values, t &gt; 0.</summary>
internal static class DenoiserChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the offending value.</summary>
    public static void Require(Tensor x, int dimension, double t, bool checkFinite = true)
    {
        Time.OuTime.RequirePositive(t);
        RequireBatch(x, dimension, checkFinite: checkFinite);
    }

    /// <summary>x: [B ≥ 1, d], float32 or float64, finite; <paramref name="shapeNote"/> is appended to the shape message.</summary>
    public static void RequireBatch(Tensor x, int dimension, string shapeNote = "", bool checkFinite = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() != 2 || x.shape[1] != dimension)
            throw new ArgumentException($"x must have shape [B, {dimension}]{shapeNote}, got [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.shape[0] < 1)
            throw new ArgumentException("x is an empty batch (B = 0).", nameof(x));
        if (x.dtype != ScalarType.Float32 && x.dtype != ScalarType.Float64)
            throw new ArgumentException($"x must be float32 or float64, got {x.dtype}.", nameof(x));
        if (checkFinite && !x.isfinite().all().item<bool>())
            throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
    }
}
