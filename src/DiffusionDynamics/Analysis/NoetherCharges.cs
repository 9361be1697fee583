using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>A conserved quantity along a path: its mean and its largest deviation from the mean relative to its natural size.</summary>
/// <param name="Mean">Mean of Q_k over the path (for the momentum vector: the norm of the mean).</param>
/// <param name="MaxRelativeDrift">max_k |Q_k − Q̄| / mean_k(scale_k): scale D|p|² + |p·f| (energy), |π| (momentum), |x||π| (angular momentum).</param>
/// <param name="Values">Q_k along the path (for the momentum: |π_k − π̄| is not shown; its first component).</param>
public sealed record ConservedQuantity(double Mean, double MaxRelativeDrift, double[] Values);

/// <summary>
/// Noether charges of a least-action path (Vastola, arXiv 2504.09761; docs/theory.md §8.5), each only where the drift has the symmetry:
/// <code>
///   energy             H_k = D_k|p_k|² + p_k·f̄_k = (|ẋ|² − |f|²)/(4D) at the midpoints     (time-homogeneous f, constant D)
///   momentum           π_k = p_k + (h/2)(∂f_k)ᵀp_k at the nodes                             (translation-invariant f)
///   angular momentum   L_k = x_k × π_k  (d = 2)                                               (rotation-invariant f, any D(s))
/// </code>
/// π and L are conserved by the discrete path to the minimizer's tolerance (discrete Noether theorem: L_{k+1} − L_k = −x_{k+1} × g_{k+1},
/// g = ∇S_h), the energy to O(h²).
/// </summary>
public static class NoetherCharges
{
    /// <summary>The charges the symmetries of <paramref name="drift"/> imply, by name ("energy", "momentum", "angularMomentum").</summary>
    public static Dictionary<string, ConservedQuantity> Of(LeastActionSolution path, IPathDrift drift, bool constantDiffusion)
    {
        var result = new Dictionary<string, ConservedQuantity>();
        int k = path.MidMomenta.Length, d = drift.Dimension;
        if (drift.TimeHomogeneous && constantDiffusion)
        {
            var h = new double[k];
            var scale = new double[k];
            for (int i = 0; i < k; i++)
            {
                double p2 = 0, pf = 0;
                for (int c = 0; c < d; c++) { p2 += path.MidMomenta[i][c] * path.MidMomenta[i][c]; pf += path.MidMomenta[i][c] * path.MidDrift[i][c]; }
                h[i] = path.MidDiffusion[i] * p2 + pf;
                scale[i] = path.MidDiffusion[i] * p2 + Math.Abs(pf);
            }
            result["energy"] = Summarize(h, scale);
        }
        if (drift.TranslationInvariant)
        {
            var mean = new double[d];
            foreach (var pi in path.Momenta) for (int c = 0; c < d; c++) mean[c] += pi[c] / k;
            double worst = 0, size = 0;
            foreach (var pi in path.Momenta)
            {
                worst = Math.Max(worst, Math.Sqrt(pi.Select((v, c) => (v - mean[c]) * (v - mean[c])).Sum()));
                size += Norm(pi) / k;
            }
            result["momentum"] = new ConservedQuantity(Norm(mean), size > 0 ? worst / size : worst, path.Momenta.Select(pi => pi[0]).ToArray());
        }
        if (drift.RotationInvariant && d == 2)
        {
            var l = new double[k];
            var scale = new double[k];
            for (int i = 0; i < k; i++)
            {
                var (x, pi) = (path.Path[i], path.Momenta[i]);
                l[i] = x[0] * pi[1] - x[1] * pi[0];
                scale[i] = Norm(x) * Norm(pi);
            }
            result["angularMomentum"] = Summarize(l, scale);
        }
        return result;
    }

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(c => c * c));

    private static ConservedQuantity Summarize(double[] q, double[] scale)
    {
        double mean = q.Average(), size = scale.Average();
        double worst = q.Max(v => Math.Abs(v - mean));
        return new ConservedQuantity(mean, size > 0 ? worst / size : worst, q);
    }
}
