namespace DiffusionDynamics.Time;

/// <summary>
/// An immutable descending grid of OU times T = t_0 &gt; t_1 &gt; … &gt; t_N = t_min &gt; 0 for a sampler with N steps
/// (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1, §3). Step k goes from t_k to t_{k+1} with size
/// h_k = t_k − t_{k+1} &gt; 0.
/// <para><b>End convention.</b> The grid never contains t = 0, where the score is singular. A sampler
/// integrates down to t_min and then returns the final denoise D(x, t_min) = E[a | x(t_min) = x] as x_0
/// (the EDM / k-diffusion "last step to σ = 0" done in closed form). So the grid stores N + 1 positive
/// times, and the first and last are exactly T and t_min.</para>
/// Named constructors: <see cref="Uniform"/>, <see cref="LogUniform"/> (finer near zero),
/// <see cref="LogSnr"/>, <see cref="Karras"/>, <see cref="FromTimes"/>.
/// </summary>
public sealed class TimeGrid
{
    private readonly double[] times;
    private readonly double[] stepSizes;

    private TimeGrid(double[] times, string name)
    {
        this.times = times;
        stepSizes = new double[times.Length - 1];
        for (int k = 0; k < stepSizes.Length; k++) stepSizes[k] = times[k] - times[k + 1];
        Name = name;
    }

    /// <summary>How the grid was built, for manifests (e.g. "uniform(T=10, tMin=0.001, N=100)").</summary>
    public string Name { get; }

    /// <summary>Number of steps N (the grid holds N + 1 times).</summary>
    public int Steps => stepSizes.Length;

    /// <summary>The N + 1 times, descending from T to t_min; do not modify.</summary>
    public ReadOnlySpan<double> Times => times;

    /// <summary>The N step sizes h_k = t_k − t_{k+1} &gt; 0.</summary>
    public ReadOnlySpan<double> StepSizes => stepSizes;

    /// <summary>Time t_k. Range: 0 ≤ k ≤ N.</summary>
    public double this[int k] => times[k];

    /// <summary>Start time T = t_0.</summary>
    public double Start => times[0];

    /// <summary>End time t_min = t_N &gt; 0, where the final denoise D(x, t_min) is taken.</summary>
    public double End => times[^1];

    /// <summary>Copy of the times.</summary>
    public double[] ToArray() => (double[])times.Clone();

    /// <summary>t_k = T − k (T − t_min)/N: uniform in OU time.</summary>
    public static TimeGrid Uniform(double T, double tMin, int steps)
    {
        Check(T, tMin, steps);
        return Build(steps, T, tMin, k => T - (T - tMin) * k / steps, $"uniform(T={T}, tMin={tMin}, N={steps})");
    }

    /// <summary>
    /// ln t_k = ln T − k (ln T − ln t_min)/N: uniform in ln t, i.e. geometric, so steps shrink in proportion
    /// to t near zero (finer near zero, where the empirical score varies fastest).
    /// </summary>
    public static TimeGrid LogUniform(double T, double tMin, int steps)
    {
        Check(T, tMin, steps);
        double a = Math.Log(T), b = Math.Log(tMin);
        return Build(steps, T, tMin, k => Math.Exp(a + (b - a) * k / steps), $"log-uniform(T={T}, tMin={tMin}, N={steps})");
    }

    /// <summary>
    /// Uniform in t from T to min(0.2, T/2) in <paramref name="steps"/> steps, then <paramref name="tailSteps"/>
    /// log-uniform steps down to t_min. A stochastic sampler on a plain uniform grid ends with one step of size h from
    /// t ≈ h to t_min that injects noise √(2h) ≫ √Δ_{t_min}, which the final denoising jump cannot remove; the
    /// geometric tail keeps every step below the noise level it starts from. Default grid of the CLI samplers.
    /// </summary>
    public static TimeGrid UniformWithLogTail(double T, double tMin, int steps, int tailSteps = 20)
    {
        Check(T, tMin, steps);
        if (tailSteps < 1) throw new ArgumentException($"tailSteps must be ≥ 1 (got {tailSteps}).", nameof(tailSteps));
        double knee = Math.Min(0.2, T / 2);
        if (knee <= tMin) return Uniform(T, tMin, steps);
        var times = new List<double>();
        for (int k = 0; k < steps; k++) times.Add(T + (knee - T) * k / steps);
        double a = Math.Log(knee), b = Math.Log(tMin);
        for (int k = 0; k <= tailSteps; k++) times.Add(k == tailSteps ? tMin : Math.Exp(a + (b - a) * k / tailSteps));
        return FromTimes(times, $"uniform+log-tail(T={T}, tMin={tMin}, N={steps}+{tailSteps})");
    }

    /// <summary>
    /// Uniform in the log-SNR λ(t) = −ln(e^{2t} − 1) between λ(T) and λ(t_min), mapped back by
    /// t = ½ softplus(−λ) (the grid of DPM-Solver, arXiv 2206.00927; see <see cref="Time.LogSnr"/>).
    /// </summary>
    public static TimeGrid LogSnr(double T, double tMin, int steps)
    {
        Check(T, tMin, steps);
        double a = Time.LogSnr.FromTime(T), b = Time.LogSnr.FromTime(tMin);
        return Build(steps, T, tMin, k => Time.LogSnr.ToTime(a + (b - a) * k / steps), $"log-snr(T={T}, tMin={tMin}, N={steps})");
    }

    /// <summary>
    /// Karras et al. 2022 (arXiv 2206.00364, Eq. 5): σ_k = (σ_max^{1/ρ} + k/N (σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ,
    /// k = 0..N, mapped to t_k = ½ ln(1 + σ_k²) (<see cref="EdmSigma"/>). Unlike EDM, which appends σ = 0,
    /// the grid ends at σ_min and the final step is the denoise D(x, t_min) (see the class remarks).
    /// Defaults of the paper: σ_min = 0.002, σ_max = 80, ρ = 7. Range: σ_max &gt; σ_min &gt; 0, ρ &gt; 0, N ≥ 1.
    /// </summary>
    public static TimeGrid Karras(double sigmaMin, double sigmaMax, int steps, double rho = 7.0)
    {
        if (!(sigmaMin > 0) || !double.IsFinite(sigmaMin))
            throw new ArgumentException($"σ_min must be finite and > 0 (got {sigmaMin}).", nameof(sigmaMin));
        if (!(sigmaMax > sigmaMin) || !double.IsFinite(sigmaMax))
            throw new ArgumentException($"σ_max must be finite and > σ_min = {sigmaMin} (got {sigmaMax}).", nameof(sigmaMax));
        if (!(rho > 0) || !double.IsFinite(rho))
            throw new ArgumentException($"ρ must be finite and > 0 (got {rho}).", nameof(rho));
        double T = EdmSigma.ToTime(sigmaMax), tMin = EdmSigma.ToTime(sigmaMin);
        Check(T, tMin, steps);
        double a = Math.Pow(sigmaMax, 1 / rho), b = Math.Pow(sigmaMin, 1 / rho);
        return Build(steps, T, tMin, k => EdmSigma.ToTime(Math.Pow(a + (b - a) * k / steps, rho)),
            $"karras(σmin={sigmaMin}, σmax={sigmaMax}, N={steps}, ρ={rho})");
    }

    /// <summary>
    /// The discrete clock of a DDPM-type schedule (Ho et al., arXiv 2006.11239; Song et al., arXiv 2010.02502,
    /// "linear" sub-sequence): N + 1 evenly spaced steps k_j = round(j (K − 1)/N), j = 0..N, of the K-step table,
    /// taken from the top, so the grid is t_{k_N} = t_{K−1} &gt; … &gt; t_{k_0} = t_0 with t_k = −½ ln ᾱ_k
    /// (T = the table's largest time, t_min = −½ ln(1 − β_0)). Range: 1 ≤ N ≤ K − 1.
    /// </summary>
    public static TimeGrid FromSchedule(DiscreteSchedule schedule, int steps)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        int kMax = schedule.Steps - 1;
        if (steps < 1 || steps > kMax)
            throw new ArgumentException($"Steps must lie in [1, K − 1 = {kMax}] for schedule {schedule.Name} (got {steps}).", nameof(steps));
        var t = new double[steps + 1];
        for (int j = 0; j <= steps; j++)
            t[steps - j] = schedule.Time((int)Math.Round((double)j * kMax / steps, MidpointRounding.AwayFromZero));
        return FromTimes(t, $"schedule({schedule.Name}, N={steps})");
    }

    /// <summary>
    /// The part of this grid below <paramref name="tStart"/>, with tStart itself as the new first time:
    /// [tStart, t_k, t_{k+1}, …, t_min] for the grid times t_k &lt; tStart (a grid time within 1e−12 relative of
    /// tStart is not repeated). The grid a run continues on after a start rule that jumps to tStart
    /// (teleport, Gaussian late start). Range: t_min &lt; tStart ≤ T.
    /// </summary>
    public TimeGrid Below(double tStart)
    {
        if (!double.IsFinite(tStart) || !(tStart > End) || !(tStart <= Start * (1 + 1e-12)))
            throw new ArgumentException($"tStart = {tStart} must lie in (t_min = {End}, T = {Start}] of grid {Name}.", nameof(tStart));
        var list = new List<double> { tStart };
        foreach (double t in times)
            if (t < tStart * (1 - 1e-12)) list.Add(t);
        return new TimeGrid(list.ToArray(), $"{Name} below t={tStart}");
    }

    /// <summary>A grid from explicit times. Range: at least 2 finite times, strictly decreasing, last &gt; 0.</summary>
    public static TimeGrid FromTimes(IReadOnlyList<double> times, string name = "custom")
    {
        ArgumentNullException.ThrowIfNull(times);
        if (times.Count < 2) throw new ArgumentException($"A grid needs at least 2 times (got {times.Count}).", nameof(times));
        var copy = new double[times.Count];
        for (int k = 0; k < copy.Length; k++)
        {
            double t = times[k];
            if (!double.IsFinite(t) || t <= 0)
                throw new ArgumentException($"Time t_{k} = {t} must be finite and > 0.", nameof(times));
            if (k > 0 && !(t < copy[k - 1]))
                throw new ArgumentException($"Times must strictly decrease: t_{k - 1} = {copy[k - 1]}, t_{k} = {t}.", nameof(times));
            copy[k] = t;
        }
        return new TimeGrid(copy, name);
    }

    private static TimeGrid Build(int steps, double T, double tMin, Func<int, double> at, string name)
    {
        var t = new double[steps + 1];
        t[0] = T;
        for (int k = 1; k < steps; k++) t[k] = at(k);
        t[steps] = tMin;
        for (int k = 1; k <= steps; k++)
            if (!(t[k] < t[k - 1]))
                throw new ArgumentException($"Grid {name} is not strictly decreasing at k = {k} (t = {t[k - 1]}, {t[k]}): too many steps for the range.");
        return new TimeGrid(t, name);
    }

    private static void Check(double T, double tMin, int steps)
    {
        if (!double.IsFinite(T)) throw new ArgumentException($"T must be finite (got {T}).", nameof(T));
        if (!(tMin > 0) || !double.IsFinite(tMin)) throw new ArgumentException($"t_min must be finite and > 0 (got {tMin}).", nameof(tMin));
        if (!(T > tMin)) throw new ArgumentException($"T must exceed t_min = {tMin} (got T = {T}).", nameof(T));
        if (steps < 1) throw new ArgumentException($"Steps must be ≥ 1 (got {steps}).", nameof(steps));
    }
}
