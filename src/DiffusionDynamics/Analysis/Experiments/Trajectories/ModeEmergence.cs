using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Analysis;

/// <summary>Emergence time of one mode: theory and measurement (OU times).</summary>
/// <param name="K">Mode index k (0 = largest eigenvalue).</param>
/// <param name="Lambda">λ_k, eigenvalue of the data covariance.</param>
/// <param name="Theory">½ ln(1 + λ_k) (signal variance = noise variance).</param>
/// <param name="TheoryVarianceRule">Closed form of the variance rule for Gaussian data (<see cref="ModeEmergenceTheory.VarianceRuleTime"/>).</param>
/// <param name="TheoryTrajectoryRule">Closed form of the per-trajectory rule for Gaussian data under the PF-ODE
/// (<see cref="ModeEmergenceTheory.TrajectoryRuleTime"/>); null for the SDE, whose per-trajectory coordinates are noisy.</param>
/// <param name="TrajectoryMean">Mean over trajectories of the per-trajectory emergence time.</param>
/// <param name="TrajectoryStderr">Its standard error (sd/√count).</param>
/// <param name="TrajectoryCount">Trajectories where the rule was defined (c_k(t_end) ≠ c_k(T)).</param>
/// <param name="Variance">Emergence time by the variance rule across trajectories.</param>
/// <param name="VarianceStderr">Bootstrap standard error of <paramref name="Variance"/> over trajectories.</param>
/// <param name="TrajectoryTimes">The per-trajectory emergence times (NaN where the rule is undefined), in trajectory order.</param>
public sealed record ModeEmergenceTime(int K, double Lambda, double Theory, double TheoryVarianceRule, double? TheoryTrajectoryRule,
    double? TrajectoryMean, double? TrajectoryStderr, int TrajectoryCount, double? Variance, double? VarianceStderr, double[] TrajectoryTimes);

/// <summary>The curves of one mode over the grid times (index s = 0 at T, last at t_end).</summary>
/// <param name="K">Mode index.</param>
/// <param name="Lambda">λ_k.</param>
/// <param name="Ratio">Σ_b c_k(t) c_k(t_end) / Σ_b c_k(t_end)², the least-squares average of c_k(t)/c_k(t_end) over trajectories.</param>
/// <param name="VarianceRatio">Var c_k(t) / Var c_k(t_end) across trajectories.</param>
/// <param name="TheoryRatio">Gaussian theory of <paramref name="Ratio"/> (<see cref="ModeEmergenceTheory.CoordinateRatio"/>).</param>
/// <param name="TheoryVarianceRatio">Gaussian theory of <paramref name="VarianceRatio"/>.</param>
public sealed record ModeCurve(int K, double Lambda, double[] Ratio, double[] VarianceRatio, double[] TheoryRatio, double[] TheoryVarianceRatio);

/// <summary>Emergence of the top modes along trajectories.</summary>
/// <param name="Rule">The per-trajectory rule in words.</param>
/// <param name="VarianceRule">The variance rule in words.</param>
/// <param name="Modes">One entry per mode.</param>
/// <param name="Times">Grid times of the curves (descending, T first, t_end last).</param>
/// <param name="Curves">One entry per mode.</param>
/// <param name="Trajectories">Number of trajectories B.</param>
public sealed record ModeEmergenceResult(string Rule, string VarianceRule, IReadOnlyList<ModeEmergenceTime> Modes, double[] Times,
    IReadOnlyList<ModeCurve> Curves, int Trajectories);

/// <summary>
/// Per-mode emergence times along trajectories ("outline first, details later", Wang &amp; Vastola, arXiv 2303.02490, with the Gaussian
/// theory of arXiv 2311.10892). The input is the denoiser's coordinate c_k(t) = u_kᵀ(D(x(t), t) − m) on each mode u_k of the data
/// covariance, recorded at every grid time t_0 = T &gt; … &gt; t_S = t_end (the last record is the final sample x̂₀ = D(x(t_end), t_end)).
/// <list type="bullet">
/// <item>Per-trajectory rule: coming from T, the first time with |c_k(t) − c_k(T)| ≥ ½ |c_k(t_end) − c_k(T)|, linearly interpolated between
/// the two grid times that bracket the crossing; undefined when c_k(t_end) = c_k(T).</item>
/// <item>Variance rule: the same with V_k(t) = Var_b c_k(t) (sample variance across trajectories) in place of c_k: the first time with
/// |V_k(t) − V_k(T)| ≥ ½ |V_k(t_end) − V_k(T)|. Better conditioned (one number per mode, no division by a trajectory's own amplitude);
/// its error is a bootstrap over trajectories.</item>
/// </list>
/// </summary>
public static class ModeEmergence
{
    /// <summary>Per-trajectory rule, in words (for reports).</summary>
    public const string RuleText = "first t (from T) with |c_k(t) − c_k(T)| ≥ ½ |c_k(t_end) − c_k(T)|, interpolated between grid times";

    /// <summary>Variance rule, in words.</summary>
    public const string VarianceRuleText = "first t (from T) with |V_k(t) − V_k(T)| ≥ ½ |V_k(t_end) − V_k(T)|, V_k = variance of c_k across trajectories";

    /// <summary>
    /// The backward dynamics whose closed forms describe a sampler's trajectories here: the reverse SDE for Euler–Maruyama, the
    /// probability-flow ODE for every other sampler (as the analysis has always compared them).
    /// </summary>
    public static BackwardDynamics DynamicsOf(SamplerKind sampler) =>
        sampler == SamplerKind.EulerMaruyama ? BackwardDynamics.ReverseSde : BackwardDynamics.ProbabilityFlow;

    /// <summary>Measures emergence times and curves.</summary>
    /// <param name="times">The S grid times of the records, strictly decreasing, positive. Range: S ≥ 2.</param>
    /// <param name="coordinates">One [S, K] array per trajectory: c_k(t_s). Range: ≥ 2 trajectories, all of the same shape, finite.</param>
    /// <param name="eigenvalues">λ_k for the K modes (&gt; 0).</param>
    /// <param name="sampler">The sampler that made the trajectories (selects the theory of the ratio curve and of the trajectory rule).</param>
    /// <param name="bootstrap">Resamples for the error of the variance rule. Range: ≥ 10.</param>
    /// <param name="seed">Seed of the bootstrap.</param>
    public static ModeEmergenceResult Measure(IReadOnlyList<double> times, IReadOnlyList<double[,]> coordinates, IReadOnlyList<double> eigenvalues,
        SamplerKind sampler, int bootstrap = 200, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(coordinates);
        ArgumentNullException.ThrowIfNull(eigenvalues);
        int S = times.Count, K = eigenvalues.Count, B = coordinates.Count;
        var dynamics = DynamicsOf(sampler);
        if (S < 2) throw new ArgumentException($"Need at least 2 record times (got {S}).", nameof(times));
        for (int s = 0; s < S; s++)
            if (!double.IsFinite(times[s]) || times[s] <= 0 || (s > 0 && !(times[s] < times[s - 1])))
                throw new ArgumentException($"Record times must be positive and strictly decreasing (t_{s} = {times[s]}).", nameof(times));
        if (K < 1) throw new ArgumentException("Give at least one mode.", nameof(eigenvalues));
        foreach (var l in eigenvalues)
            if (!(l > 0) || !double.IsFinite(l)) throw new ArgumentException($"Eigenvalues must be finite and > 0 (got {l}).", nameof(eigenvalues));
        if (B < 2) throw new ArgumentException($"Need at least 2 trajectories (got {B}).", nameof(coordinates));
        if (bootstrap < 10) throw new ArgumentException($"Bootstrap resamples must be ≥ 10 (got {bootstrap}).", nameof(bootstrap));
        for (int b = 0; b < B; b++)
        {
            var c = coordinates[b] ?? throw new ArgumentException($"Trajectory {b} is null.", nameof(coordinates));
            if (c.GetLength(0) != S || c.GetLength(1) != K)
                throw new ArgumentException($"Trajectory {b} has coordinates [{c.GetLength(0)}, {c.GetLength(1)}], expected [{S}, {K}].", nameof(coordinates));
            foreach (var v in c)
                if (!double.IsFinite(v)) throw new ArgumentException($"Trajectory {b} has a NaN or infinite coordinate.", nameof(coordinates));
        }

        double tStart = times[0], tEnd = times[S - 1];
        var modes = new List<ModeEmergenceTime>();
        var curves = new List<ModeCurve>();
        var series = new double[S];
        for (int k = 0; k < K; k++)
        {
            double lambda = eigenvalues[k];
            // Per-trajectory rule.
            var perTrajectory = new List<double>();
            var trajectoryTimes = new double[B];
            for (int b = 0; b < B; b++)
            {
                for (int s = 0; s < S; s++) series[s] = coordinates[b][s, k];
                double? te = FirstHalfway(times, series);
                trajectoryTimes[b] = te ?? double.NaN;
                if (te is double v) perTrajectory.Add(v);
            }
            double? mean = null, se = null;
            if (perTrajectory.Count > 0)
            {
                mean = perTrajectory.Average();
                se = perTrajectory.Count > 1 ? SampleStatistics.StandardDeviation(perTrajectory, mean.Value) / Math.Sqrt(perTrajectory.Count) : null;
            }

            // Variance rule and its bootstrap.
            var variance = Variances(coordinates, k);
            double? vRule = FirstHalfway(times, variance);
            double? vSe = vRule is null ? null : BootstrapStdErr(times, coordinates, k, bootstrap, Xoshiro.Mix((ulong)seed, 0xE4E5UL + (ulong)k));

            // Curves.
            var ratio = new double[S];
            double den = 0;
            for (int b = 0; b < B; b++) den += coordinates[b][S - 1, k] * coordinates[b][S - 1, k];
            for (int s = 0; s < S; s++)
            {
                double num = 0;
                for (int b = 0; b < B; b++) num += coordinates[b][s, k] * coordinates[b][S - 1, k];
                ratio[s] = den > 0 ? num / den : double.NaN;
            }
            double vEnd = variance[S - 1];
            var vRatio = variance.Select(v => vEnd > 0 ? v / vEnd : double.NaN).ToArray();
            var theoryRatio = times.Select(t => ModeEmergenceTheory.CoordinateRatio(lambda, t, tEnd, dynamics)).ToArray();
            var theoryVRatio = times.Select(t => ModeEmergenceTheory.VarianceRatio(lambda, t, tEnd)).ToArray();

            modes.Add(new ModeEmergenceTime(k, lambda, ModeEmergenceTheory.HeuristicTime(lambda),
                ModeEmergenceTheory.VarianceRuleTime(lambda, tStart, tEnd),
                dynamics == BackwardDynamics.ReverseSde ? null : ModeEmergenceTheory.TrajectoryRuleTime(lambda, tStart, tEnd),
                mean, se, perTrajectory.Count, vRule, vSe, trajectoryTimes));
            curves.Add(new ModeCurve(k, lambda, ratio, vRatio, theoryRatio, theoryVRatio));
        }
        return new ModeEmergenceResult(RuleText, VarianceRuleText, modes, times.ToArray(), curves, B);
    }

    /// <summary>
    /// The first-halfway rule on one series y_s over descending times: the first s with |y_s − y_0| ≥ ½ |y_{S−1} − y_0|, interpolated
    /// linearly in |y − y_0| between t_{s−1} and t_s. Null when y_{S−1} = y_0.
    /// </summary>
    public static double? FirstHalfway(IReadOnlyList<double> times, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(y);
        if (times.Count != y.Count || y.Count < 2) throw new ArgumentException($"{times.Count} times but {y.Count} values (need ≥ 2 of each, equal counts).");
        int S = y.Count;
        double target = 0.5 * Math.Abs(y[S - 1] - y[0]);
        if (!(target > 0)) return null;
        double previous = 0;
        for (int s = 1; s < S; s++)
        {
            double reach = Math.Abs(y[s] - y[0]);
            if (reach >= target)
            {
                double w = (target - previous) / (reach - previous);
                return times[s - 1] + w * (times[s] - times[s - 1]);
            }
            previous = reach;
        }
        return times[S - 1]; // unreachable: the last value meets the target
    }

    // Sample variance across trajectories of c_k(t_s) for every s.
    private static double[] Variances(IReadOnlyList<double[,]> coordinates, int k)
    {
        int S = coordinates[0].GetLength(0), B = coordinates.Count;
        var result = new double[S];
        for (int s = 0; s < S; s++)
        {
            double sum = 0, sum2 = 0;
            for (int b = 0; b < B; b++)
            {
                double c = coordinates[b][s, k];
                sum += c; sum2 += c * c;
            }
            double mean = sum / B;
            result[s] = Math.Max(0, (sum2 - B * mean * mean) / (B - 1));
        }
        return result;
    }

    // All resamples at once: with multinomial counts W [B, R], the weighted sums Σ_b w_b c_b(t_s) and Σ_b w_b c_b(t_s)² are [S, B]·[B, R] products.
    private static double? BootstrapStdErr(IReadOnlyList<double> times, IReadOnlyList<double[,]> coordinates, int k, int resamples, ulong seed)
    {
        var rng = new Xoshiro(seed);
        int B = coordinates.Count, S = coordinates[0].GetLength(0);
        var counts = new double[B * resamples];                  // [B, R] row-major
        for (int r = 0; r < resamples; r++)
            for (int i = 0; i < B; i++) counts[rng.NextInt(B) * resamples + r]++;
        var c = new double[S * B];                                // [S, B]
        for (int b = 0; b < B; b++)
            for (int s = 0; s < S; s++) c[s * B + b] = coordinates[b][s, k];
        double[] sum, sum2;
        using (var scope = TorchSharp.torch.NewDisposeScope())
        {
            var w = TorchSharp.torch.tensor(counts, [B, resamples]);
            var ct = TorchSharp.torch.tensor(c, [S, B]);
            sum = ct.mm(w).data<double>().ToArray();
            sum2 = ct.square().mm(w).data<double>().ToArray();
        }
        var values = new List<double>();
        var variance = new double[S];
        for (int r = 0; r < resamples; r++)
        {
            for (int s = 0; s < S; s++)
            {
                double mean = sum[s * resamples + r] / B;
                variance[s] = Math.Max(0, (sum2[s * resamples + r] - B * mean * mean) / (B - 1));
            }
            if (FirstHalfway(times, variance) is double t) values.Add(t);
        }
        if (values.Count < 2) return null;
        return SampleStatistics.StandardDeviation(values, values.Average());
    }
}
