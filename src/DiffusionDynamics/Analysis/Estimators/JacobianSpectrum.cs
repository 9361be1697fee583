using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>How the spectrum of the score Jacobian is computed.</summary>
public enum JacobianSolver
{
    /// <summary>Dense when d ≤ <see cref="JacobianSpectrumOptions.DenseLimit"/>, else subspace iteration.</summary>
    Auto,
    /// <summary>All d values: eigenvalues of the closed-form J_s (symmetric), or singular values of J_s Q for random orthonormal Q (finite differences, any denoiser).</summary>
    Dense,
    /// <summary>Top-k of the posterior operator P = I + Δ_t J_s by block subspace iteration with Rayleigh–Ritz (products J_s V only, no d×d matrix).</summary>
    Subspace,
}

/// <summary>
/// Options of <see cref="JacobianSpectrum"/>. Defaults: the gap at ν = ½ (see <see cref="JacobianSpectrum.TangentDimension"/>),
/// dense up to d = 1024, k = 32 tracked values and 40 subspace iterations above it.
/// </summary>
/// <param name="GapThreshold">τ: a normalized value ν &lt; τ counts as tangent. Range: 0 &lt; τ &lt; 1.</param>
/// <param name="Solver">Dense, subspace or automatic.</param>
/// <param name="DenseLimit">Largest d solved densely by <see cref="JacobianSolver.Auto"/>. Range: ≥ 1.</param>
/// <param name="TopK">Values tracked by the subspace solver. Range: 1 ≤ k.</param>
/// <param name="Iterations">Subspace iterations. Range: ≥ 1.</param>
/// <param name="Seed">Seed of the random orthonormal directions.</param>
public sealed record JacobianSpectrumOptions(double GapThreshold = 0.5, JacobianSolver Solver = JacobianSolver.Auto, int DenseLimit = 1024,
    int TopK = 32, int Iterations = 40, long Seed = 0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (!(GapThreshold > 0 && GapThreshold < 1)) throw new ArgumentException($"GapThreshold = {GapThreshold} is out of range (0 < τ < 1).", nameof(GapThreshold));
        if (DenseLimit < 1) throw new ArgumentException($"DenseLimit = {DenseLimit} is out of range (≥ 1).", nameof(DenseLimit));
        if (TopK < 1) throw new ArgumentException($"TopK = {TopK} is out of range (≥ 1).", nameof(TopK));
        if (Iterations < 1) throw new ArgumentException($"Iterations = {Iterations} is out of range (≥ 1).", nameof(Iterations));
    }
}

/// <summary>
/// A normalized spectrum of the score Jacobian at one point.
/// </summary>
/// <param name="Values">ν_k sorted descending (all d for the dense solver; the k smallest-ν ones, i.e. the tangent candidates, for the subspace solver).</param>
/// <param name="Dimension">d.</param>
/// <param name="Complete">True when all d values were computed.</param>
public sealed record NormalizedSpectrum(double[] Values, int Dimension, bool Complete);

/// <summary>
/// Spectrum of the score Jacobian J_s(x, t) = ∂∇ln P_t(x), normalized by the noise so that pure noise gives 1
/// (Achilli et al., arXiv 2410.08727; docs/theory.md §6):
/// <code>
///   ν_k = Δ_t σ_k(J_s),   σ_k the singular values (|eigenvalues| for the symmetric J_s of an exact score)
/// </code>
/// For the empirical score −Δ_t J_s = I − (e^{−2t}/Δ_t) Cov_w(a); for a Gaussian of variance s² along u,
/// ν_u = Δ_t/(Δ_t + e^{−2t}s²): near 0 for directions the density still spreads along (tangent), 1 for those it has
/// collapsed or never resolved (orthogonal). The <b>gap rule</b>: the tangent dimension is the count of ν_k &lt; τ,
/// τ = ½ by default — for a Gaussian, ν &lt; ½ ⇔ e^{−2t}s² &gt; Δ_t, the data variance above the noise variance.
/// Dense solver: eigenvalues of the closed form (<see cref="IClosedFormJacobian"/>: empirical, Gaussian, two-cluster); for a denoiser with
/// <see cref="IJacobianTransposeProduct"/> (a trained network) the singular values of J_sᵀQ by autograd (vector–Jacobian products); for any other denoiser those of J_sQ by central finite
/// differences along random orthonormal directions Q.
/// Large d: block subspace iteration on P = I + Δ_t J_s (PSD for exact scores, P = e^{−2t}Cov_w/Δ_t for the
/// empirical one), whose top eigenvalues p give the smallest ν = |1 − p|, through products J_s V only
/// (<see cref="ScoreJacobian.Apply"/>: closed form or finite differences along the directions).
/// </summary>
public static class JacobianSpectrum
{
    /// <summary>The normalized spectrum ν_k at x: [d] or [1, d], t &gt; 0 (see the class summary).</summary>
    public static NormalizedSpectrum Normalized(IDenoiser denoiser, Tensor x, double t, JacobianSpectrumOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        options ??= new JacobianSpectrumOptions();
        options.Validate();
        OuTime.RequirePositive(t);
        int d = denoiser.Dimension;
        bool dense = options.Solver == JacobianSolver.Dense || (options.Solver == JacobianSolver.Auto && d <= options.DenseLimit);
        using var scope = NewDisposeScope();
        double delta = OuTime.Delta(t);
        double[] values;
        if (dense && denoiser.As<IPosteriorWeights>() is { } empirical)
        {
            // −Δ_t J_s = I − (e^{−2t}/Δ_t) CᵀC with C = √w (a − D) over the m rows with weight: the nonzero eigenvalues of CᵀC are
            // those of the m×m Gram matrix CCᵀ, the other d − m directions have ν = 1 exactly. Small t: m ≪ d, an m×m eigensolve.
            var c = ScoreJacobian.WeightedCentred(empirical, ScoreJacobian.RequirePoint(empirical, x, t), t).to_type(ScalarType.Float64);
            int m = (int)c.shape[0];
            var gram = m < d ? c.mm(c.t()) : c.t().mm(c);
            var p = torch.linalg.eigvalsh(gram).mul_(Math.Exp(-2 * t) / delta);
            var nu = (1.0 - p).abs_().data<double>().ToArray();
            values = m < d ? nu.Concat(Enumerable.Repeat(1.0, d - m)).ToArray() : nu;
        }
        else if (dense && ScoreJacobian.HasClosedForm(denoiser))
        {
            var j = ScoreJacobian.Dense(denoiser, x, t);
            var sym = (j + j.t()) * 0.5; // exact scores: J_s is a Hessian; symmetrize round-off
            values = torch.linalg.eigvalsh(sym).abs().mul_(delta).data<double>().ToArray();
        }
        else if (dense && denoiser.As<IJacobianTransposeProduct>() is { } network)
        {
            // Autograd: J_sᵀ Q (vector–Jacobian products) has the singular values of J_s.
            var q = RandomOrthonormal(d, d, options.Seed);
            values = torch.linalg.svdvals(network.ScoreJacobianTransposeApply(x, t, q)).mul_(delta).data<double>().ToArray();
        }
        else if (dense)
        {
            // Model-agnostic: J_s Q along random orthonormal directions Q has the singular values of J_s.
            var q = RandomOrthonormal(d, d, options.Seed);
            values = torch.linalg.svdvals(ScoreJacobian.Apply(denoiser, x, t, q)).mul_(delta).data<double>().ToArray();
        }
        else
        {
            values = SubspaceSmallest(denoiser, x, t, Math.Min(options.TopK, d), options.Iterations, options.Seed);
        }
        Array.Sort(values);
        Array.Reverse(values);
        return new NormalizedSpectrum(values, d, values.Length == d);
    }

    /// <summary>
    /// The gap rule: tangent dimension = #{k : ν_k &lt; τ} (ν normalized so that noise gives 1). Range: 0 &lt; τ &lt; 1; values finite.
    /// </summary>
    public static int TangentDimension(IReadOnlyList<double> normalized, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentException($"threshold τ = {threshold} is out of range (0 < τ < 1).", nameof(threshold));
        int count = 0;
        foreach (double v in normalized)
        {
            if (!double.IsFinite(v)) throw new ArgumentException($"normalized spectrum contains {v}.", nameof(normalized));
            if (v < threshold) count++;
        }
        return count;
    }

    /// <summary>
    /// ν along given orthonormal directions U: [d, k]: ν_j = −Δ_t u_jᵀ J_s u_j (the Rayleigh quotients of the normalized
    /// Jacobian; equal to the spectrum when U are its eigenvectors, e.g. the axes of axis-aligned linear-manifold data).
    /// </summary>
    public static double[] AlongDirections(IDenoiser denoiser, Tensor x, double t, Tensor directions)
    {
        using var scope = NewDisposeScope();
        var projected = ScoreJacobian.Projected(denoiser, x, t, directions);
        return projected.diagonal().mul(-OuTime.Delta(t)).data<double>().ToArray();
    }

    /// <summary>k random orthonormal columns in d dimensions, [d, k] float64, from the seed (per-column streams).</summary>
    public static Tensor RandomOrthonormal(int d, int k, long seed)
    {
        if (d < 1 || k < 1 || k > d) throw new ArgumentException($"Need 1 ≤ k ≤ d (got d = {d}, k = {k}).", nameof(k));
        using var scope = NewDisposeScope();
        var g = NoiseSource.ForSamples(seed, 0, k, d).Next(ScalarType.Float64); // [k, d]
        var (q, _) = torch.linalg.qr(g.t());
        return q.MoveToOuterDisposeScope();
    }

    /// <summary>Smallest-ν values via block subspace iteration with Rayleigh–Ritz on P = I + Δ_t J_s.</summary>
    private static double[] SubspaceSmallest(IDenoiser denoiser, Tensor x, double t, int k, int iterations, long seed)
    {
        double delta = OuTime.Delta(t);
        using var op = ScoreJacobian.Operator(denoiser, x, t);            // posterior once for the empirical score
        var q = RandomOrthonormal(denoiser.Dimension, k, seed);
        for (int i = 0; i < iterations; i++)
        {
            using var step = NewDisposeScope();
            var y = q + op.Apply(q) * delta;                                // P Q: [d, k]
            var (qNext, _) = torch.linalg.qr(y);
            q.Dispose();
            q = qNext.MoveToOuterDisposeScope();
        }
        using (NewDisposeScope())
        {
            var h = q.t().mm(q + op.Apply(q) * delta);                      // QᵀPQ: [k, k]
            var p = torch.linalg.eigvalsh((h + h.t()) * 0.5);
            var result = (1.0 - p).abs().data<double>().ToArray();
            q.Dispose();
            return result;
        }
    }
}
