using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Capability: the class posterior of the noised data, p(c | x(t) = x) (docs/theory.md §7; Handke et al., arXiv 2506.10433;
/// Koulischer et al., arXiv 2410.14398). For class-conditional exact scores with priors π_c:
/// <code>
///   ln p(c | x, t) = ln π_c + ln P_t(x | c) − logsumexp_c′( ln π_c′ + ln P_t(x | c′) )
/// </code>
/// returned in log space so that it stays finite at small t, where all but one class have p far below the smallest double.
/// Not tied to a denoiser: a noisy classifier can provide it too.
/// </summary>
public interface IClassPosterior
{
    /// <summary>Dimension d of x.</summary>
    int Dimension { get; }

    /// <summary>The class labels, in the column order of <see cref="LogClassPosterior"/>.</summary>
    IReadOnlyList<int> Classes { get; }

    /// <summary>ln p(c | x, t): [B, K] float64 for x: [B, d], columns in the order of <see cref="Classes"/>; each row's exp sums to 1. Range: t &gt; 0.</summary>
    Tensor LogClassPosterior(Tensor x, double t);
}
