using DiffusionDynamics.Time;

namespace DiffusionDynamics.Theory;

/// <summary>
/// Which backward dynamics a closed form describes (docs/theory.md §3): the probability-flow ODE dx/dt' = x + ∇ln P_t(x), or the
/// reverse SDE dx = (x + 2∇ln P_t(x)) dt' + √2 dW (t' = −t). Theory takes this plain description, not a sampler.
/// </summary>
public enum BackwardDynamics
{
    /// <summary>The probability-flow ODE (deterministic).</summary>
    ProbabilityFlow,
    /// <summary>The reverse-time SDE (stochastic).</summary>
    ReverseSde,
}

/// <summary>
/// Closed forms of "outline first, details later" for Gaussian data N(m, U diag(λ) Uᵀ) (Wang &amp; Vastola,
/// arXiv 2303.02490, with the linear theory of arXiv 2311.10892; docs/theory.md §5).
/// <para>Derivation. Under the PF-ODE the eigen-coordinate y_k(t) = u_kᵀ(x(t) − e^{−t} m) is y_k(t) = ψ_k(t) y_k(T) with
/// ψ_k(t) = √(v_k(t)/v_k(T)), v_k(t) = e^{−2t}λ_k + Δ_t, and the denoiser coordinate is
/// c_k(t) = u_kᵀ(D(x(t), t) − m) = gain_k(t)·y_k(t), gain_k(t) = e^{−t}λ_k / v_k(t). Hence
/// <code>  c_k(t) = λ_k y_k(T) / √v_k(T) · √s_k(t),   s_k(t) = e^{−2t}/v_k(t) = 1 / (λ_k + e^{2t} − 1)</code>
/// so every trajectory has the same shape √s_k(t) in t, whatever its start. Across trajectories started from P_T,
/// Var c_k(t) = e^{−2t}λ_k² / (e^{−2t}λ_k + Δ_t) = λ_k² s_k(t) under the ODE and also under the SDE (both have the
/// marginals P_t). Var c_k reaches half of its final value λ_k where s_k(t) = 1/(2λ_k), i.e. at
/// e^{−2t}λ_k = Δ_t: t = ½ ln(1 + λ_k), the heuristic "mode k is decided when its signal equals the noise".</para>
/// </summary>
public static class ModeEmergenceTheory
{
    /// <summary>t_k = ½ ln(1 + λ_k): signal variance e^{−2t}λ_k equals noise variance Δ_t. Range: λ_k &gt; 0.</summary>
    public static double HeuristicTime(double lambda)
    {
        RequireLambda(lambda);
        return 0.5 * OuTime.Log1P(lambda);
    }

    /// <summary>s_k(t) = 1 / (λ_k + e^{2t} − 1) = e^{−2t} / (e^{−2t}λ_k + Δ_t): Var c_k(t) = λ_k² s_k(t). Range: λ_k &gt; 0, t ≥ 0.</summary>
    public static double VarianceProfile(double lambda, double t)
    {
        RequireLambda(lambda);
        OuTime.RequireNonNegative(t);
        return 1.0 / (lambda + OuTime.ExpM1(2 * t));
    }

    /// <summary>
    /// R_k(t) = s_k(t) / s_k(t_end) = (λ_k + e^{2t_end} − 1) / (λ_k + e^{2t} − 1): Var c_k(t) / Var c_k(t_end) (ODE and SDE), and
    /// the regression coefficient Cov(c_k(t), c_k(t_end)) / Var c_k(t_end) under the SDE (its path law is the reversed forward process).
    /// </summary>
    public static double VarianceRatio(double lambda, double t, double tEnd) => VarianceProfile(lambda, t) / VarianceProfile(lambda, tEnd);

    /// <summary>
    /// The average c_k(t)/c_k(t_end) of the analysis (least-squares slope Σ c(t)c(t_end) / Σ c(t_end)²): √R_k(t) under the PF-ODE, where it
    /// holds per trajectory, and R_k(t) under the SDE (see <see cref="VarianceRatio"/>).
    /// </summary>
    public static double CoordinateRatio(double lambda, double t, double tEnd, BackwardDynamics dynamics) =>
        dynamics == BackwardDynamics.ReverseSde ? VarianceRatio(lambda, t, tEnd) : Math.Sqrt(VarianceRatio(lambda, t, tEnd));

    /// <summary>
    /// Per-trajectory rule under the PF-ODE: the first t (coming from T) with |c_k(t) − c_k(T)| ≥ ½ |c_k(t_end) − c_k(T)|. As c_k ∝ √s_k,
    /// it solves √s_k(t) = ½(√s_k(T) + √s_k(t_end)): t = ½ ln(1 − λ_k + 1/f²), f = ½(√s_k(T) + √s_k(t_end)); ≈ ½ ln(1 + 3λ_k) for T → ∞,
    /// t_end → 0. Range: λ_k &gt; 0, 0 ≤ t_end &lt; T.
    /// </summary>
    public static double TrajectoryRuleTime(double lambda, double tStart, double tEnd)
    {
        RequireTimes(tStart, tEnd);
        double f = 0.5 * (Math.Sqrt(VarianceProfile(lambda, tStart)) + Math.Sqrt(VarianceProfile(lambda, tEnd)));
        return InverseProfile(lambda, f * f);
    }

    /// <summary>
    /// Variance rule (ODE or SDE from P_T): the first t with Var c_k(t) − Var c_k(T) ≥ ½ (Var c_k(t_end) − Var c_k(T)); solves
    /// s_k(t) = ½(s_k(T) + s_k(t_end)): t = ½ ln(1 − λ_k + 1/s); → ½ ln(1 + λ_k) for T → ∞, t_end → 0. Range: λ_k &gt; 0, 0 ≤ t_end &lt; T.
    /// </summary>
    public static double VarianceRuleTime(double lambda, double tStart, double tEnd)
    {
        RequireTimes(tStart, tEnd);
        return InverseProfile(lambda, 0.5 * (VarianceProfile(lambda, tStart) + VarianceProfile(lambda, tEnd)));
    }

    /// <summary>
    /// Linear response of the final sample to a perturbation δ of mode k made at t_p, with the exact Gaussian score: the final
    /// denoised coordinate changes by a_k δ_k with
    /// <code>  ODE: a_k = gain_k(t_end) √(v_k(t_end)/v_k(t_p))      SDE with the same noise: a_k = gain_k(t_end) (v_k(t_end)/v_k(t_p)) e^{−(t_p − t_end)}</code>
    /// (the backward ODE multiplies δ_k by ψ; the SDE drift x + 2∇ln P_t has the rate 2/v_k − 1). For t_end → 0: ODE √(λ_k/v_k(t_p)),
    /// SDE gain_k(t_p). Range: λ_k ≥ 0, 0 &lt; t_end ≤ t_p.
    /// </summary>
    public static double PerturbationGain(double lambda, double tPerturb, double tEnd, BackwardDynamics dynamics)
    {
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentException($"λ must be finite and ≥ 0 (got {lambda}).", nameof(lambda));
        OuTime.RequirePositive(tEnd, nameof(tEnd));
        if (!(tPerturb >= tEnd) || !double.IsFinite(tPerturb))
            throw new ArgumentException($"The perturbation time t_p = {tPerturb} must be finite and ≥ t_end = {tEnd}.", nameof(tPerturb));
        double vEnd = GaussianFlow.MarginalVariance(lambda, tEnd), vP = GaussianFlow.MarginalVariance(lambda, tPerturb);
        double gainEnd = Math.Exp(-tEnd) * lambda / vEnd;
        return dynamics == BackwardDynamics.ReverseSde
            ? gainEnd * vEnd / vP * Math.Exp(-(tPerturb - tEnd))
            : gainEnd * Math.Sqrt(vEnd / vP);
    }

    /// <summary>
    /// RMS change √E|Δx̂₀|² of the final sample for a perturbation of norm ε in a uniformly random direction at t_p, with the exact
    /// Gaussian score of the spectrum (all d eigenvalues; missing ones count as 0): E|Δx̂₀|² = (ε²/d) Σ_k a_k² (<see cref="PerturbationGain"/>).
    /// </summary>
    public static double PerturbationRms(IReadOnlyList<double> spectrum, int dimension, double epsilon, double tPerturb, double tEnd, BackwardDynamics dynamics)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        if (dimension < 1 || spectrum.Count > dimension) throw new ArgumentException($"Dimension d = {dimension} must be ≥ 1 and ≥ the {spectrum.Count} eigenvalues.", nameof(dimension));
        if (!(epsilon >= 0) || !double.IsFinite(epsilon)) throw new ArgumentException($"ε must be finite and ≥ 0 (got {epsilon}).", nameof(epsilon));
        double sum = 0;
        foreach (var l in spectrum) sum += Math.Pow(PerturbationGain(Math.Max(l, 0), tPerturb, tEnd, dynamics), 2);
        return epsilon * Math.Sqrt(sum / dimension);
    }

    /// <summary>
    /// Relative distance of x(t) from the plane span{x(T), x̂₀} predicted by the Gaussian theory for a PF-ODE trajectory started at
    /// x(T) ~ N(0, I), in the self-averaging (large-d) limit. With x(t) = e^{−t} m + Σ_k ψ_k(t) y_k u_k, E y_k² = 1 + e^{−2T}(u_kᵀm)² ≈ 1
    /// and x̂₀ = m + Σ_k gain_k(t_end) ψ_k(t_end) y_k u_k, the inner products concentrate on
    /// ⟨a, b⟩ = α_a α_b |m|² + Σ_k β_{a,k} β_{b,k}, so the residual is ρ(t)² = 1 − gᵀ H⁻¹ g / ⟨x(t), x(t)⟩ with H the 2×2 Gram matrix of
    /// {x(T), x̂₀} and g their products with x(t). Zero when the spectrum has at most two distinct values and m = 0 (then x(t) lies in the
    /// plane exactly). Range: λ ≥ 0, 0 &lt; t_end ≤ t ≤ T.
    /// </summary>
    /// <param name="spectrum">All d eigenvalues of C (descending or not).</param>
    /// <param name="meanNormSquared">|m|².</param>
    /// <param name="t">Time of the state x(t).</param>
    /// <param name="tStart">Start time T of the trajectory.</param>
    /// <param name="tEnd">Last grid time t_end, where x̂₀ = D(x(t_end), t_end).</param>
    public static double PlaneResidual(IReadOnlyList<double> spectrum, double meanNormSquared, double t, double tStart, double tEnd)
    {
        ArgumentNullException.ThrowIfNull(spectrum);
        if (spectrum.Count == 0) throw new ArgumentException("The spectrum is empty.", nameof(spectrum));
        if (!(meanNormSquared >= 0) || !double.IsFinite(meanNormSquared)) throw new ArgumentException($"|m|² must be finite and ≥ 0 (got {meanNormSquared}).", nameof(meanNormSquared));
        OuTime.RequirePositive(tEnd, nameof(tEnd));
        if (!(t >= tEnd && t <= tStart)) throw new ArgumentException($"t = {t} must lie in [t_end, T] = [{tEnd}, {tStart}].", nameof(t));
        // Vectors a ∈ {x(t), x(T), x̂₀}: coefficient α on m and β_k on u_k (per unit y_k).
        double at = Math.Exp(-t), aT = Math.Exp(-tStart), a0 = 1.0;
        double gtt = at * at * meanNormSquared, gTT = aT * aT * meanNormSquared, g00 = meanNormSquared;
        double gtT = at * aT * meanNormSquared, gt0 = at * meanNormSquared, gT0 = aT * a0 * meanNormSquared;
        foreach (var raw in spectrum)
        {
            double l = Math.Max(raw, 0);
            double vT = GaussianFlow.MarginalVariance(l, tStart);
            double bt = Math.Sqrt(GaussianFlow.MarginalVariance(l, t) / vT), bT = 1.0;
            double vEnd = GaussianFlow.MarginalVariance(l, tEnd);
            double b0 = Math.Exp(-tEnd) * l / vEnd * Math.Sqrt(vEnd / vT);
            gtt += bt * bt; gTT += bT * bT; g00 += b0 * b0;
            gtT += bt * bT; gt0 += bt * b0; gT0 += bT * b0;
        }
        double det = gTT * g00 - gT0 * gT0;
        double explained = det > 1e-14 * gTT * g00
            ? (gtT * gtT * g00 - 2 * gtT * gt0 * gT0 + gt0 * gt0 * gTT) / det
            : gtT * gtT / gTT; // x̂₀ ∥ x(T): a line
        return Math.Sqrt(Math.Max(0, 1 - explained / gtt));
    }

    private static double InverseProfile(double lambda, double s) => 0.5 * Math.Log(1 - lambda + 1 / s);

    private static void RequireLambda(double lambda)
    {
        if (!(lambda > 0) || !double.IsFinite(lambda)) throw new ArgumentException($"λ_k must be finite and > 0 (got {lambda}).", nameof(lambda));
    }

    private static void RequireTimes(double tStart, double tEnd)
    {
        OuTime.RequireNonNegative(tEnd, nameof(tEnd));
        if (!(tStart > tEnd) || !double.IsFinite(tStart)) throw new ArgumentException($"T = {tStart} must be finite and > t_end = {tEnd}.", nameof(tStart));
    }
}
