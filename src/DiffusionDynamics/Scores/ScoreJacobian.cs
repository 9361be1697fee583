using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The Jacobian of the score, J_s(x, t) = ∂∇ln P_t(x) (the Hessian of ln P_t, symmetric for an exact score), and
/// of the denoiser, ∂D = e^{t}(I + Δ_t J_s) (Tweedie, docs/theory.md §2), at one point x. Closed forms:
/// <code>
///   empirical   J_s = −I/Δ_t + (e^{−2t}/Δ_t²) Cov_w(a),  Cov_w(a) = Σ_μ w_μ (a^μ − D)(a^μ − D)ᵀ
///               (Achilli et al., arXiv 2410.08727; posterior weights w_μ of docs/theory.md §2)
///   Gaussian    J_s = −U diag(1/(e^{−2t}λ_k + Δ_t)) Uᵀ − (I − UUᵀ)/Δ_t      (Wang &amp; Vastola, arXiv 2412.09726)
///   two-cluster J_s = −I/Γ_t + sech²(m_t·x/Γ_t) m_t m_tᵀ/Γ_t²               (Biroli et al., arXiv 2402.18491)
/// </code>
/// Sources provide them through <see cref="IClosedFormJacobian"/>.
/// Any other <see cref="IDenoiser"/> (e.g. a trained network) falls back to central finite differences of the
/// Tweedie score along given directions: J_s v ≈ (s(x + h v) − s(x − h v)) / (2h).
/// Products J_s V and projections UᵀJ_sU never form a d×d matrix (nor, for the empirical score, an n×d×d tensor):
/// Cov_w V = Cᵀ(C V) with C = √w (a − D) over the m ≤ n training points that carry posterior weight
/// (<see cref="RelativeWeightCutoff"/>; centred, so it does not cancel when Cov_w is small). The empirical GEMMs run in the denoiser's precision (float32 by default: relative
/// error ~1e−7; use a float64 denoiser for reference values). All results are float64; x may be [d] or [1, d].
/// </summary>
public static class ScoreJacobian
{
    /// <summary>Rows per denoiser call when finite differences need many directions.</summary>
    private const int FiniteDifferenceBatch = 256;

    /// <summary>True when <paramref name="denoiser"/> provides a closed-form Jacobian (<see cref="IClosedFormJacobian"/>: empirical, Gaussian, two-cluster).</summary>
    public static bool HasClosedForm(IDenoiser denoiser) => denoiser.Has<IClosedFormJacobian>();

    /// <summary>
    /// The dense score Jacobian J_s(x, t): [d, d] float64. Closed form when <see cref="HasClosedForm"/>, else central
    /// finite differences along the d coordinate axes (2d denoiser evaluations, not symmetrized).
    /// Range: t &gt; 0; x: [d] or [1, d] finite. Meant for d ≲ 2000 (memory d², empirical cost n·d²).
    /// </summary>
    /// <param name="denoiser">Any denoiser; those with <see cref="IClosedFormJacobian"/> use their closed forms.</param>
    /// <param name="x">The point: [d] or [1, d].</param>
    /// <param name="t">OU time. Range: t &gt; 0.</param>
    /// <param name="step">Finite-difference step h (only for denoisers without closed form; default <see cref="DefaultStep"/>).</param>
    public static Tensor Dense(IDenoiser denoiser, Tensor x, double t, double? step = null)
    {
        var point = RequirePoint(denoiser, x, t);
        using var scope = NewDisposeScope();
        var result = denoiser.As<IClosedFormJacobian>() is { } closedForm
            ? closedForm.ScoreJacobianDense(point, t)
            : FiniteDifference(denoiser, point, t, torch.eye(denoiser.Dimension, dtype: ScalarType.Float64), step);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// J_s V: [d, k] float64 for V: [d] or [d, k] (any columns). Closed form when available (cost O(n·d·k) for the
    /// empirical score, O(d·r·k) for a rank-r Gaussian), else central finite differences (2k denoiser evaluations).
    /// Range: t &gt; 0; x: [d] or [1, d]; V finite with d rows.
    /// </summary>
    public static Tensor Apply(IDenoiser denoiser, Tensor x, double t, Tensor v, double? step = null)
    {
        var point = RequirePoint(denoiser, x, t);
        var vs = RequireDirections(denoiser, v, nameof(v), orthonormal: false);
        using var scope = NewDisposeScope();
        var result = denoiser.As<IClosedFormJacobian>() is { } closedForm
            ? closedForm.ScoreJacobianProduct(point, t, vs)
            : FiniteDifference(denoiser, point, t, vs, step);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// UᵀJ_sU: [k, k] float64, the score Jacobian projected on the orthonormal columns of U: [d, k] (checked to
    /// 1e-6). Cheap for large d. Range: t &gt; 0, 1 ≤ k ≤ d.
    /// </summary>
    public static Tensor Projected(IDenoiser denoiser, Tensor x, double t, Tensor directions, double? step = null)
    {
        var u = RequireDirections(denoiser, directions, nameof(directions), orthonormal: true);
        using var scope = NewDisposeScope();
        return u.t().mm(Apply(denoiser, x, t, u, step)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Model-agnostic J_s V by central finite differences of the Tweedie score s = (e^{−t} D − x)/Δ_t:
    /// column j ≈ (s(x + h v_j) − s(x − h v_j)) / (2h), error O(h²) plus round-off O(ε|s|/h).
    /// Works for any <see cref="IDenoiser"/>, including trained networks. Range: h &gt; 0 finite.
    /// </summary>
    public static Tensor FiniteDifference(IDenoiser denoiser, Tensor x, double t, Tensor v, double? step = null)
    {
        var point = RequirePoint(denoiser, x, t);
        var vs = RequireDirections(denoiser, v, nameof(v), orthonormal: false);
        double h = step ?? DefaultStep(denoiser, t);
        if (!(h > 0) || !double.IsFinite(h)) throw new ArgumentException($"Finite-difference step must be finite and > 0 (got {h}).", nameof(step));
        using var scope = NewDisposeScope();
        long k = vs.shape[1];
        var columns = new List<Tensor>();
        for (long start = 0; start < k; start += FiniteDifferenceBatch)
        {
            using var block = NewDisposeScope();
            long len = Math.Min(FiniteDifferenceBatch, k - start);
            var dirs = vs.narrow(1, start, len).t() * h;                  // [len, d]
            var batch = torch.cat([point.unsqueeze(0) + dirs, point.unsqueeze(0) - dirs], 0);
            var s = Score.Evaluate(denoiser, batch, t).to_type(ScalarType.Float64);
            columns.Add(((s.narrow(0, 0, len) - s.narrow(0, len, len)) / (2 * h)).t().MoveToOuterDisposeScope());
        }
        return torch.cat(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Default finite-difference step h = ε^{1/3} √Δ_t, ε the machine epsilon of the denoiser's arithmetic
    /// (<see cref="IDenoiser.Precision"/>: float64 for the Gaussian and two-cluster closed forms and a float64 empirical score, float32 otherwise): the cube root
    /// balances the O(h²) truncation against the O(ε/h) round-off of a central difference; √Δ_t is the
    /// length scale of the noised density.
    /// </summary>
    public static double DefaultStep(IDenoiser denoiser, double t)
    {
        OuTime.RequirePositive(t);
        ArgumentNullException.ThrowIfNull(denoiser);
        double eps = denoiser.Precision == Precision.Float64 ? 2.220446049250313e-16 : 1.1920929e-7;
        return Math.Cbrt(eps) * Math.Sqrt(OuTime.Delta(t));
    }

    /// <summary>The denoiser's Jacobian from the score's: ∂D = e^{t}(I + Δ_t J_s), for a [d, d] J_s.</summary>
    public static Tensor DenoiserFromScore(Tensor scoreJacobian, double t)
    {
        OuTime.RequirePositive(t);
        ArgumentNullException.ThrowIfNull(scoreJacobian);
        if (scoreJacobian.dim() != 2 || scoreJacobian.shape[0] != scoreJacobian.shape[1])
            throw new ArgumentException($"Score Jacobian must be [d, d], got [{string.Join(", ", scoreJacobian.shape)}].", nameof(scoreJacobian));
        using var scope = NewDisposeScope();
        var j = scoreJacobian.to_type(ScalarType.Float64) * OuTime.Delta(t);
        j.diagonal().add_(1.0);
        return j.mul_(Math.Exp(t)).MoveToOuterDisposeScope();
    }

    /// <summary>The dense denoiser Jacobian ∂D(x, t): [d, d] float64 (see <see cref="Dense"/>).</summary>
    public static Tensor DenoiserDense(IDenoiser denoiser, Tensor x, double t, double? step = null)
    {
        using var scope = NewDisposeScope();
        return DenoiserFromScore(Dense(denoiser, x, t, step), t).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Posterior weights w: [n], training points A: [n, d] and posterior mean D: [d] in the denoiser's precision (the GEMMs with A
    /// then run without copying A; callers convert their small results to float64).
    /// </summary>
    /// <summary>Posterior weights below this fraction of the largest are dropped from Cov_w: their share is below n·10⁻¹⁸ relative, under float64 round-off.</summary>
    public const double RelativeWeightCutoff = 1e-18;

    /// <summary>
    /// C = √w_μ (a^μ − D) as [m, d] in the denoiser's precision over the m training points whose posterior weight exceeds <see cref="RelativeWeightCutoff"/> · max w,
    /// so Cov_w = CᵀC (centred: no cancellation when Cov_w is small; m ≪ n at small t).
    /// </summary>
    internal static Tensor WeightedCentred(IPosteriorWeights e, Tensor point, double t)
    {
        using var scope = NewDisposeScope();
        var (w, a, mean) = Posterior(e, point, t);
        var keep = w.gt(w.max().mul(RelativeWeightCutoff)).nonzero().squeeze(1);   // in w's own dtype (float32 for a float32 denoiser)
        var rows = a.index_select(0, keep);
        return rows.sub_(mean.unsqueeze(0)).mul_(w.index_select(0, keep).sqrt_().unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>J_s V = (e^{−2t}/Δ_t²) Cᵀ(C V) − V/Δ_t for C = <see cref="WeightedCentred"/>: [d, k] float64 for V: [d, k] float64.</summary>
    internal static Tensor EmpiricalProduct(Tensor weightedCentred, Tensor vs, double t)
    {
        double delta = OuTime.Delta(t), decay = OuTime.Decay(t);
        var cov = weightedCentred.t().mm(weightedCentred.mm(vs.to_type(weightedCentred.dtype))).to_type(ScalarType.Float64); // Cov_w V
        return cov.mul_(decay * decay / (delta * delta)).sub_(vs / delta);
    }

    internal static (Tensor W, Tensor A, Tensor Mean) Posterior(IPosteriorWeights e, Tensor point, double t)
    {
        var a = e.TrainingSet;
        var w = e.PosteriorWeights(point.unsqueeze(0), t).squeeze(0).to_type(a.dtype);
        return (w, a, w.unsqueeze(0).mm(a).squeeze(0));
    }

    /// <summary>x: [d] or [1, d], finite, as a float64 [d] tensor; t &gt; 0.</summary>
    internal static Tensor RequirePoint(IDenoiser denoiser, Tensor x, double t)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(x);
        OuTime.RequirePositive(t);
        int d = denoiser.Dimension;
        bool ok = (x.dim() == 1 && x.shape[0] == d) || (x.dim() == 2 && x.shape[0] == 1 && x.shape[1] == d);
        if (!ok) throw new ArgumentException($"x must be one point of shape [{d}] or [1, {d}], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
        return x.reshape(d).to_type(ScalarType.Float64);
    }

    /// <summary>
    /// J_s(x, t) as an operator V ↦ J_s V at a fixed x and t, for iterative solvers that apply it many times: the work that does not
    /// depend on V is done once (for the empirical score the posterior and the weighted, centred training points). Same results as
    /// <see cref="Apply"/>. Range: as <see cref="Apply"/>.
    /// </summary>
    public static JacobianOperator Operator(IDenoiser denoiser, Tensor x, double t, double? step = null) => new(denoiser, RequirePoint(denoiser, x, t), t, step);

    /// <summary>V: [d] or [d, k ≥ 1], finite, as float64 [d, k]; optionally with orthonormal columns.</summary>
    internal static Tensor RequireDirections(IDenoiser denoiser, Tensor v, string name, bool orthonormal)
    {
        ArgumentNullException.ThrowIfNull(v, name);
        int d = denoiser.Dimension;
        bool ok = (v.dim() == 1 && v.shape[0] == d) || (v.dim() == 2 && v.shape[0] == d && v.shape[1] >= 1);
        if (!ok) throw new ArgumentException($"{name} must have shape [{d}] or [{d}, k ≥ 1], got [{string.Join(", ", v.shape)}].", name);
        if (!v.isfinite().all().item<bool>()) throw new ArgumentException($"{name} contains NaN or infinite values.", name);
        var vs = v.dim() == 1 ? v.unsqueeze(1) : v;
        vs = vs.to_type(ScalarType.Float64);
        if (orthonormal)
        {
            using var scope = NewDisposeScope();
            var gram = vs.t().mm(vs);
            gram.diagonal().sub_(1.0);
            double err = gram.abs().max().item<double>();
            if (err > 1e-6) throw new ArgumentException($"{name} must have orthonormal columns (max |UᵀU − I| = {err:G3}).", name);
        }
        return vs;
    }
}
