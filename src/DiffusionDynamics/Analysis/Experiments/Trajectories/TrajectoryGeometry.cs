using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Mean relative distance from the plane span{x(T), x̂₀} at one grid time.</summary>
/// <param name="T">OU time t.</param>
/// <param name="Mean">Mean over trajectories of ρ(t) = |x(t) − P x(t)| / |x(t)|.</param>
/// <param name="Stderr">Standard error of the mean.</param>
/// <param name="Theory">Gaussian theory with the data's spectrum, PF-ODE (<see cref="Theory.ModeEmergenceTheory.PlaneResidual"/>); null when not computed.</param>
public sealed record PlaneResidualPoint(double T, double Mean, double Stderr, double? Theory);

/// <summary>Share of a trajectory's (time-centred) variance in its top 1, 2, 3 principal components, mean ± SE over trajectories.</summary>
public sealed record TrajectoryPcaShares(double Top1, double Top1Stderr, double Top2, double Top2Stderr, double Top3, double Top3Stderr);

/// <summary>Geometry of the trajectories.</summary>
/// <param name="Curve">Plane residual per grid time (T first).</param>
/// <param name="MaxMeanResidual">Largest mean residual over the curve.</param>
/// <param name="Pca">Effective dimension of single trajectories.</param>
/// <param name="Trajectories">Number of trajectories.</param>
public sealed record TrajectoryGeometryResult(IReadOnlyList<PlaneResidualPoint> Curve, double MaxMeanResidual, TrajectoryPcaShares Pca, int Trajectories);

/// <summary>
/// Low dimensionality of generative trajectories (Wang &amp; Vastola, arXiv 2303.02490): (a) the relative residual of each state from the
/// plane through the origin spanned by the start x(T) and the final sample x̂₀,
/// <code>  ρ(t) = |x(t) − Q Qᵀ x(t)| / |x(t)|,   Q an orthonormal basis of span{x(T), x̂₀}</code>
/// (computed directly, not as √(|x|² − |Qᵀx|²), so a state in the plane gives ρ ≈ 1e-16 in float64); (b) a PCA of the states of one
/// trajectory {x(t_s)}_s, each grid time weighing the same, centred over time: share of the variance in the top 1, 2 and 3 components.
/// </summary>
public static class TrajectoryGeometry
{
    /// <summary>Per-trajectory plane residuals ρ(t_s): [B, S] float64.</summary>
    /// <param name="states">x(t_s): [B, S, d] (s = 0 is x(T)).</param>
    /// <param name="final">x̂₀: [B, d].</param>
    public static Tensor PlaneResiduals(Tensor states, Tensor final)
    {
        Check(states, final);
        using var scope = NewDisposeScope();
        var x = states.to_type(ScalarType.Float64);
        var e1 = x.select(1, 0);                                   // x(T): [B, d]
        var n1 = e1.norm(1, keepdim: true);
        var q1 = e1 / n1.clamp_min(1e-300);
        var f = final.to_type(ScalarType.Float64);
        var e2 = f - q1 * (q1 * f).sum(1, keepdim: true);          // Gram–Schmidt, twice for stability
        e2 = e2 - q1 * (q1 * e2).sum(1, keepdim: true);
        var n2 = e2.norm(1, keepdim: true);
        // x̂₀ ∥ x(T) (e.g. d = 1): the plane degenerates to a line; drop q2.
        var keep = (n2 > f.norm(1, keepdim: true) * 1e-12).to_type(ScalarType.Float64);
        var q2 = e2 / n2.clamp_min(1e-300) * keep;
        var q = torch.stack([q1, q2], 2);                         // [B, d, 2]
        var coefficients = x.bmm(q);                              // [B, S, 2]
        var residual = x - coefficients.bmm(q.transpose(1, 2));   // [B, S, d]
        var rho = residual.norm(2) / x.norm(2).clamp_min(1e-300);
        return rho.MoveToOuterDisposeScope();
    }

    /// <summary>Per-trajectory shares of the variance of the time-centred states in the top 1, 2, 3 components: [B, 3] float64 (cumulative).</summary>
    /// <param name="states">x(t_s): [B, S, d], S ≥ 2.</param>
    public static Tensor PcaShares(Tensor states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (states.dim() != 3 || states.shape[1] < 2 || states.shape[0] < 1 || states.shape[2] < 1)
            throw new ArgumentException($"States must be [B ≥ 1, S ≥ 2, d ≥ 1], got [{string.Join(", ", states.shape)}].", nameof(states));
        using var scope = NewDisposeScope();
        var x = states.to_type(ScalarType.Float64);
        x = x - x.mean([1], keepdim: true);
        // The non-zero PCA variances are the eigenvalues of the S×S Gram matrix (cheaper than d×d when S < d).
        var gram = x.shape[1] <= x.shape[2] ? x.bmm(x.transpose(1, 2)) : x.transpose(1, 2).bmm(x);
        var eig = torch.linalg.eigvalsh(gram).clamp_min(0.0).flip(1);  // descending, [B, m]
        var total = eig.sum(1, keepdim: true).clamp_min(1e-300);
        int m = (int)eig.shape[1];
        var cumulative = eig.cumsum(1) / total;
        var idx = torch.tensor(new long[] { 0, Math.Min(1, m - 1), Math.Min(2, m - 1) });
        return cumulative.index_select(1, idx).MoveToOuterDisposeScope();
    }

    /// <summary>Summarizes per-trajectory residuals [B, S] and PCA shares [B, 3] (all batches concatenated).</summary>
    /// <param name="times">The S grid times.</param>
    /// <param name="residuals">ρ(t_s) per trajectory: B rows of S values.</param>
    /// <param name="pcaShares">Cumulative top-1/2/3 shares per trajectory: B rows of 3 values.</param>
    /// <param name="theory">Optional theory per grid time.</param>
    public static TrajectoryGeometryResult Summarize(IReadOnlyList<double> times, double[][] residuals, double[][] pcaShares, IReadOnlyList<double?>? theory = null)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(residuals);
        ArgumentNullException.ThrowIfNull(pcaShares);
        int B = residuals.Length, S = times.Count;
        if (B < 1 || pcaShares.Length != B) throw new ArgumentException($"Need ≥ 1 trajectory and one PCA row per trajectory (got {B} and {pcaShares.Length}).");
        if (residuals.Any(r => r.Length != S)) throw new ArgumentException($"Every residual row must have {S} values.", nameof(residuals));
        if (theory is not null && theory.Count != S) throw new ArgumentException($"Theory has {theory.Count} values for {S} times.", nameof(theory));
        var curve = new PlaneResidualPoint[S];
        for (int s = 0; s < S; s++)
        {
            var (mean, se) = MeanSe(residuals.Select(r => r[s]).ToArray());
            curve[s] = new PlaneResidualPoint(times[s], mean, se, theory?[s]);
        }
        var (p1, e1) = MeanSe(pcaShares.Select(p => p[0]).ToArray());
        var (p2, e2) = MeanSe(pcaShares.Select(p => p[1]).ToArray());
        var (p3, e3) = MeanSe(pcaShares.Select(p => p[2]).ToArray());
        return new TrajectoryGeometryResult(curve, curve.Max(c => c.Mean), new TrajectoryPcaShares(p1, e1, p2, e2, p3, e3), B);
    }

    internal static (double Mean, double Se) MeanSe(double[] v)
    {
        double mean = v.Average();
        if (v.Length < 2) return (mean, 0);
        return (mean, SampleStatistics.StandardDeviation(v, mean) / Math.Sqrt(v.Length));
    }

    private static void Check(Tensor states, Tensor final)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(final);
        if (states.dim() != 3 || states.shape[0] < 1 || states.shape[1] < 1 || states.shape[2] < 1)
            throw new ArgumentException($"States must be [B ≥ 1, S ≥ 1, d ≥ 1], got [{string.Join(", ", states.shape)}].", nameof(states));
        if (final.dim() != 2 || final.shape[0] != states.shape[0] || final.shape[1] != states.shape[2])
            throw new ArgumentException($"Final samples must be [{states.shape[0]}, {states.shape[2]}], got [{string.Join(", ", final.shape)}].", nameof(final));
    }
}
