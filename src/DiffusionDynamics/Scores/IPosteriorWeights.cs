using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Capability: the denoiser is the exact score of the empirical distribution of <see cref="TrainingSet"/>
/// {a^μ}, μ = 1..n (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §2), so that
/// <code>
///   w_μ(x, t) = softmax_μ( −|x − a^μ e^{−t}|² / (2Δ_t) ),   D(x, t) = Σ_μ w_μ a^μ
/// </code>
/// Consequences the analyses use: D lies in the convex hull of the training points, and
/// J_s = −I/Δ_t + (e^{−2t}/Δ_t²) Cov_w(a) (<see cref="ScoreJacobian"/>).
/// </summary>
public interface IPosteriorWeights : IDenoiser
{
    /// <summary>Number of training points n.</summary>
    int Count { get; }

    /// <summary>The training points A: [n, d] in the denoiser's precision (do not modify or dispose).</summary>
    Tensor TrainingSet { get; }

    /// <summary>All posterior weights w_μ(x, t): [B, n] float64, rows summing to 1. x: [B, d]; Range: t &gt; 0.</summary>
    Tensor PosteriorWeights(Tensor x, double t);

    /// <summary>The k largest weights per row and their indices μ, by decreasing weight: ([B, k] int64, [B, k] float64). Range: 1 ≤ k ≤ n.</summary>
    (Tensor Indices, Tensor Weights) TopPosterior(Tensor x, double t, int k = 1);
}
