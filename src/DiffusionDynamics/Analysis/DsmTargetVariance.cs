using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The noise of the denoising-score-matching target (Vastola, ICLR 2025, arXiv 2504.12532; docs/theory.md §8.1). The target
/// s̃ = −(x_t − e^{−t}a)/Δ_t, with a drawn from the posterior of the clean point given x_t, has mean the score and covariance
/// <code>
///   C(x, t) = (e^{−2t}/Δ_t²) Cov[a | x_t = x],   tr C = (e^{−2t}/Δ_t²) (Σ_μ w_μ|a^μ|² − |D|²)
///   ratio   = tr C / (tr C + |s|²) ∈ [0, 1]     (the share of the target's second moment that is noise)
/// </code>
/// with the exact posterior w_μ(x, t) of the empirical score (<see cref="IPosteriorWeights"/>).
/// </summary>
public static class DsmTargetVariance
{
    /// <summary>tr C, |s|² and the ratio at x: [B, d], each [B] float64. Range: t &gt; 0.</summary>
    public static (double[] TraceC, double[] ScoreNorm2, double[] Ratio) Evaluate(IPosteriorWeights posterior, Tensor x, double t)
    {
        ArgumentNullException.ThrowIfNull(posterior);
        if (!(t > 0) || !double.IsFinite(t)) throw new ArgumentException($"t must be finite and > 0 (got {t}).", nameof(t));
        using var scope = NewDisposeScope();
        var w = posterior.PosteriorWeights(x, t);                               // [B, n]
        var a = posterior.TrainingSet.to_type(ScalarType.Float64);              // [n, d]
        var x64 = x.to_type(ScalarType.Float64);
        var d = w.matmul(a);                                                    // posterior mean
        var second = w.matmul(a.pow(2).sum(1));                                 // Σ w|a|²
        double decay = OuTime.Decay(t), delta = OuTime.Delta(t);
        var trace = (second - d.pow(2).sum(1)).clamp_min(0) * (decay * decay / (delta * delta));
        var score = (d * decay - x64) / delta;
        var s2 = score.pow(2).sum(1);
        var ratio = trace / (trace + s2).clamp_min(1e-300);
        return (trace.data<double>().ToArray(), s2.data<double>().ToArray(), ratio.data<double>().ToArray());
    }
}
