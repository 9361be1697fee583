using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

/// <summary>Gaussian data whose training set has exactly the covariance diag(λ) and mean m (the 2d points m ± √(dλ_k) e_k).</summary>
internal static class ExactGaussian
{
    public static (Dataset Data, GaussianDenoiser Denoiser) Make(double[] lambdas, double[] mean)
    {
        int d = lambdas.Length;
        var values = new float[2 * d * d];
        for (int k = 0; k < d; k++)
            for (int sign = 0; sign < 2; sign++)
                for (int j = 0; j < d; j++)
                    values[(2 * k + sign) * d + j] = (float)(mean[j] + (j == k ? (sign == 0 ? 1 : -1) * Math.Sqrt(d * lambdas[k]) : 0));
        var data = new Dataset(values, 2 * d, d, name: "exact-gaussian");
        using var m = torch.tensor(mean);
        using var c = torch.diag(torch.tensor(lambdas));
        return (data, new GaussianDenoiser(m, c));
    }
}

public class TrajectoriesExperimentTests
{
    private static readonly double[] Lambdas = [40, 8, 2, 0.5, 0.1];
    private static readonly double[] Mean = [0.5, -0.3, 0.2, 0.0, 0.1];

    [Fact]
    public void FirstHalfway_InterpolatesLinearly_AndIsNullForAFlatSeries()
    {
        double[] times = [3, 2, 1, 0.5];
        // |y − y0| = 0, 1, 3, 4: target 2 is reached between t = 2 (1) and t = 1 (3), halfway → 1.5.
        Assert.Equal(1.5, ModeEmergence.FirstHalfway(times, [5, 4, 2, 1])!.Value, 14);
        Assert.Null(ModeEmergence.FirstHalfway(times, [1, 2, 0, 1]));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.FirstHalfway(times, [1, 2]));
    }

    [Fact]
    public void GaussianData_Ode_EmergenceTimesMatchTheClosedForms()
    {
        // Under the PF-ODE every trajectory has the shape c_k ∝ √s_k(t), so both rules are deterministic (no Monte-Carlo error).
        // With m = 0 each Heun step is linear and diagonal in the eigenbasis, so even the discretized shape is shared by all trajectories
        // (with m ≠ 0 the affine mean part adds an amplitude-independent error that moves small-amplitude trajectories slightly).
        // Error budget: linear interpolation of the crossing on the grid (h ≈ 0.025 uniform, ≤ 0.03 in the log tail) errs by
        // ≈ h²/8·|f''/f'| ≤ 2e-4, and Heun's global error in ψ is O(h²) ≈ 1e-4 relative → 2e-3 in t is ≥ 5× the budget.
        var (data, g) = ExactGaussian.Make(Lambdas, new double[Lambdas.Length]);
        using var _ = g;
        var options = new TrajectoriesOptions(Trajectories: 32, Steps: 400, Modes: 5, PerturbationCount: 0, Precision: Precision.Float64, StripTrajectories: 0, Seed: 3);
        var r = TrajectoriesExperiment.Run(data, g, options);
        foreach (var m in r.Emergence.Modes)
        {
            Assert.Equal(Lambdas[m.K], m.Lambda, 1e-6 * Lambdas[m.K]); // training points stored in float32
            Assert.Equal(32, m.TrajectoryCount);
            Assert.Equal(m.TrajectoryMean!.Value, m.TrajectoryTimes.Average(), 12);
            Assert.Equal(m.TheoryTrajectoryRule!.Value, m.TrajectoryMean!.Value, 2e-3);
            Assert.True(m.TrajectoryStderr!.Value < 1e-8, $"per-trajectory times of mode {m.K} differ: SE {m.TrajectoryStderr}");
            Assert.Equal(m.TheoryVarianceRule, m.Variance!.Value, 2e-3);
            // At T = 10, t_min = 10⁻³ the variance rule is ½ ln(1 + λ) up to e^{-20} and O(t_min) terms.
            Assert.Equal(m.Theory, m.TheoryVarianceRule, 3e-3);
        }
        // The ratio curve equals √R_k(t) = c_k(t)/c_k(t_end) exactly in theory (same grid error).
        foreach (var c in r.Emergence.Curves)
            for (int s = 0; s < c.Ratio.Length; s++)
                Assert.True(Math.Abs(c.Ratio[s] - c.TheoryRatio[s]) < 2e-3, $"mode {c.K}, t = {r.Emergence.Times[s]}: {c.Ratio[s]} vs {c.TheoryRatio[s]}");
    }

    [Fact]
    public void GaussianData_Sde_VarianceRuleMatchesTheClosedForm_AndFollowsTheOrderOfLambda()
    {
        // Under the SDE the marginals are still P_t, so Var c_k(t) = λ_k² s_k(t) and the variance rule has the same closed form.
        // Bound: 4 bootstrap SE (Monte-Carlo error of B = 256 trajectories) + 0.02 for the Euler–Maruyama bias of the variance
        // (O(h), h ≈ 0.025, which moves the halfway point by ≲ 0.01·2λ/(1+λ)).
        var (data, g) = ExactGaussian.Make(Lambdas, Mean);
        using var _ = g;
        var options = new TrajectoriesOptions(Trajectories: 256, Sampler: SamplerKind.EulerMaruyama, Steps: 400, Modes: 5, PerturbationCount: 0,
            Precision: Precision.Float64, StripTrajectories: 0, Seed: 11);
        var r = TrajectoriesExperiment.Run(data, g, options);
        foreach (var m in r.Emergence.Modes)
        {
            Assert.Null(m.TheoryTrajectoryRule);
            double bound = 4 * m.VarianceStderr!.Value + 0.02;
            Assert.True(Math.Abs(m.Variance!.Value - m.TheoryVarianceRule) < bound,
                $"mode {m.K} (λ = {m.Lambda}): measured {m.Variance} vs theory {m.TheoryVarianceRule}, bound {bound}");
        }
        var measured = r.Emergence.Modes.Select(m => m.Variance!.Value).ToArray();
        for (int k = 1; k < measured.Length; k++)
            Assert.True(measured[k] < measured[k - 1], $"emergence times not ordered by λ: {string.Join(", ", measured)}");
    }

    [Fact]
    public void Results_DoNotDependOnTheBatchSize()
    {
        var (data, g) = ExactGaussian.Make(Lambdas, Mean);
        using var _ = g;
        var options = new TrajectoriesOptions(Trajectories: 7, Sampler: SamplerKind.EulerMaruyama, Steps: 40, Modes: 3, PerturbationCount: 2,
            Precision: Precision.Float64, StripTrajectories: 0, Seed: 5, Bootstrap: 20);
        var a = TrajectoriesExperiment.Run(data, g, options);
        var b = TrajectoriesExperiment.Run(data, g, options with { Batch = 3 });
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(a.Emergence.Modes[k].TrajectoryMean, b.Emergence.Modes[k].TrajectoryMean);
            Assert.Equal(a.Emergence.Modes[k].Variance, b.Emergence.Modes[k].Variance);
        }
        for (int s = 0; s < a.PlaneResidual.Curve.Count; s++) Assert.Equal(a.PlaneResidual.Curve[s].Mean, b.PlaneResidual.Curve[s].Mean, 12);
        for (int p = 0; p < 2; p++) Assert.Equal(a.Perturbation.Curve[p].MeanChange, b.Perturbation.Curve[p].MeanChange, 12);
    }

    [Fact]
    public void Measure_RejectsBadInputs()
    {
        double[] times = [2, 1, 0.5];
        var ok = new[] { new double[3, 1], new double[3, 1] };
        ok[0][2, 0] = 1; ok[1][2, 0] = -1;
        Assert.NotNull(ModeEmergence.Measure(times, ok, [1.0], SamplerKind.OdeHeun, 10));
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.Measure(times, [ok[0]], [1.0], SamplerKind.OdeHeun));          // one trajectory
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.Measure(times, ok, [0.0], SamplerKind.OdeHeun));               // λ = 0
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.Measure(times, ok, [1.0, 2.0], SamplerKind.OdeHeun));          // K mismatch
        Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.Measure([2, 2, 0.5], ok, [1.0], SamplerKind.OdeHeun));         // not decreasing
        var nan = new[] { new double[3, 1], new double[3, 1] };
        nan[1][1, 0] = double.NaN;
        var e = Assert.ThrowsAny<ArgumentException>(() => ModeEmergence.Measure(times, nan, [1.0], SamplerKind.OdeHeun));
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void Options_RoundTripThroughJson()
    {
        var options = new TrajectoriesOptions(Trajectories: 12, Sampler: SamplerKind.EulerMaruyama, PerturbationTimes: [2.5, 0.3], Epsilon: 1.5,
            Start: StartKind.ForwardMarginal, Precision: Precision.Float64, Seed: 42);
        string json = System.Text.Json.JsonSerializer.Serialize(options, DiffusionDynamics.Reports.RunManifest.JsonOptions);
        var back = System.Text.Json.JsonSerializer.Deserialize<TrajectoriesOptions>(json, DiffusionDynamics.Reports.RunManifest.JsonOptions)!;
        Assert.Equal(options with { PerturbationTimes = null }, back with { PerturbationTimes = null });
        Assert.Equal(options.PerturbationTimes, back.PerturbationTimes);
        Assert.Contains("\"sde\"", json); // options name the sampler by its CLI token
        Assert.Contains("\"marginal\"", json);
    }

    [Fact]
    public void Options_AndRun_RejectBadValues()
    {
        Assert.ThrowsAny<ArgumentException>(() => new TrajectoriesOptions(Trajectories: 1).Validate());
        Assert.ThrowsAny<ArgumentException>(() => new TrajectoriesOptions(Steps: 1).Validate());
        Assert.ThrowsAny<ArgumentException>(() => new TrajectoriesOptions(TMin: 0).Validate());
        Assert.ThrowsAny<ArgumentException>(() => new TrajectoriesOptions(Epsilon: double.NaN).Validate());
        var e = Assert.ThrowsAny<ArgumentException>(() => new TrajectoriesOptions(PerturbationTimes: [0.5, 12.0]).Validate());
        Assert.Contains("12", e.Message);
        var (data, g) = ExactGaussian.Make(Lambdas, Mean);
        using var _ = g;
        Assert.ThrowsAny<ArgumentException>(() => TrajectoriesExperiment.Run(data, g, new TrajectoriesOptions(Modes: 10)));     // min(d, n − 1) = 5
        using var other = TwoClusterDenoiser.Uniform(3, 1, 1);
        Assert.ThrowsAny<ArgumentException>(() => TrajectoriesExperiment.Run(data, other, new TrajectoriesOptions(Modes: 2)));  // d mismatch
    }
}
