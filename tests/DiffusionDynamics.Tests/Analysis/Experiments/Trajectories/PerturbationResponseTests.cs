using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class PerturbationResponseTests
{
    private static readonly double[] Lambdas = [40, 8, 2, 0.5, 0.1];
    private static readonly double[] Mean = [0.5, -0.3, 0.2, 0.0, 0.1];

    [Fact]
    public void ZeroPerturbation_OnTheSde_ReproducesTheOriginalExactly_BecauseTheNoiseStreamIsShared()
    {
        var (data, g) = ExactGaussian.Make(Lambdas, Mean);
        using var _ = g;
        var r = TrajectoriesExperiment.Run(data, g, new TrajectoriesOptions(Trajectories: 6, Sampler: SamplerKind.EulerMaruyama, Steps: 50, Modes: 2,
            PerturbationTimes: [5.0, 1.0, 0.05], Epsilon: 0, Precision: Precision.Float64, StripTrajectories: 0, Seed: 4, Bootstrap: 10));
        Assert.Equal(3, r.Perturbation.Curve.Count);
        Assert.All(r.Perturbation.Curve, p =>
        {
            Assert.Equal(0.0, p.MeanChange);
            Assert.Equal(0.0, p.NearestChangeRate);
        });
    }

    [Theory]
    [InlineData(SamplerKind.OdeHeun)]
    [InlineData(SamplerKind.EulerMaruyama)]
    public void GaussianScore_MeanSquaredChange_MatchesTheLinearResponse(SamplerKind sampler)
    {
        // With a Gaussian score the response is linear: |Δx̂₀|² = ε² Σ_k a_k² v_k², v uniform on the sphere. Its mean is
        // (ε²/d) Σ a_k² (the theory) and its variance follows from E v_k⁴ = 3/(d(d+2)), E v_k² v_j² = 1/(d(d+2)): bound 4 SE, plus 2 %
        // for the discretization of the response (Heun O(h²); Euler–Maruyama's linear drift O(h) with h ≈ 0.025).
        var (data, g) = ExactGaussian.Make(Lambdas, Mean);
        using var _ = g;
        int B = 200, d = Lambdas.Length;
        double epsilon = 0.3;
        var r = TrajectoriesExperiment.Run(data, g, new TrajectoriesOptions(Trajectories: B, Sampler: sampler, Steps: 400, Modes: 2,
            PerturbationTimes: [4.0, 1.0, 0.1], Epsilon: epsilon, Precision: Precision.Float64, StripTrajectories: 0, Seed: 8, Bootstrap: 10));
        foreach (var p in r.Perturbation.Curve)
        {
            var a2 = Lambdas.Select(l => Math.Pow(ModeEmergenceTheory.PerturbationGain(l, p.T, 1e-3, ModeEmergence.DynamicsOf(sampler)), 2)).ToArray();
            double mean = a2.Sum() / d;
            double second = (3 * a2.Sum(x => x * x) + (a2.Sum() * a2.Sum() - a2.Sum(x => x * x))) / (d * (d + 2.0));
            double se = epsilon * epsilon * Math.Sqrt((second - mean * mean) / B);
            double measured = p.RmsChange * p.RmsChange, theory = p.TheoryGaussianRms!.Value * p.TheoryGaussianRms.Value;
            Assert.Equal(epsilon * epsilon * mean, theory, 1e-6 * theory); // theory from the data's spectrum (float32 training points)
            Assert.True(Math.Abs(measured - theory) < 4 * se + 0.02 * theory, $"t_p = {p.T}: measured {measured}, theory {theory}, SE {se}");
        }
    }

    [Fact]
    public void TwoClusterModel_EarlyPerturbationsChangeTheClassMoreThanLateOnes()
    {
        // Under the PF-ODE of the symmetric two-cluster model q = x·m̂ never changes sign, so a perturbation flips the class iff it flips q(t_p):
        // P ≈ (1/π) arctan(ε_q/√Var q(t_p)) with ε_q = ε/√d = 0.5 → ≈ 0.14 at t_p = 3 (Var q ≈ 1.08), ≈ 0 at t_p = 0.05 (|q| ≈ |m| = 5.7).
        // With B = 400 the binomial SE is ≤ 0.018: the early rate exceeds the late one by ≫ 4 SE.
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=32,n=200,mu=1,sigma=1,seed=1");
        using var model = TwoClusterDenoiser.Uniform(32, 1, 1);
        using var m = torch.ones(32, dtype: ScalarType.Float64);
        int[] Classify(Tensor x) { using var q = x.to_type(ScalarType.Float64).mv(m); return q.data<double>().ToArray().Select(v => v > 0 ? 1 : 0).ToArray(); }
        var r = TrajectoriesExperiment.Run(truth.Data, model, new TrajectoriesOptions(Trajectories: 400, Steps: 100, Modes: 2,
            PerturbationTimes: [3.0, 1.0, 0.3, 0.05], Epsilon: 0.5 * Math.Sqrt(32), StripTrajectories: 0, Seed: 12, Bootstrap: 10), Classify);
        var curve = r.Perturbation.Curve.OrderByDescending(p => p.T).ToArray();
        var early = curve[0];
        var late = curve[^1];
        Assert.True(early.ClassChangeRate - late.ClassChangeRate > 4 * Math.Sqrt(Math.Pow(early.ClassStderr!.Value, 2) + Math.Pow(late.ClassStderr!.Value, 2)),
            $"class change early {early.ClassChangeRate} ± {early.ClassStderr}, late {late.ClassChangeRate} ± {late.ClassStderr}");
        Assert.InRange(early.ClassChangeRate!.Value, 0.14 - 4 * 0.018, 0.14 + 4 * 0.018);
        for (int i = 1; i < curve.Length; i++)
            Assert.True(curve[i].MeanChange < curve[i - 1].MeanChange + 4 * Math.Sqrt(Math.Pow(curve[i].Stderr, 2) + Math.Pow(curve[i - 1].Stderr, 2)),
                $"mean change grows from t_p = {curve[i - 1].T} to {curve[i].T}: {curve[i - 1].MeanChange} → {curve[i].MeanChange}");
        Assert.True(early.MeanChange - late.MeanChange > 4 * Math.Sqrt(early.Stderr * early.Stderr + late.Stderr * late.Stderr));
    }

    [Fact]
    public void Directions_AreUnitVectors_FromPerSampleStreams()
    {
        using var all = PerturbationResponse.Directions(3, 1, 0, 5, 7, ScalarType.Float64);
        using var tail = PerturbationResponse.Directions(3, 1, 2, 3, 7, ScalarType.Float64);
        using var norms = all.norm(1);
        Assert.All(norms.data<double>().ToArray(), n => Assert.Equal(1.0, n, 12));
        Assert.Equal(all.narrow(0, 2, 3).data<double>().ToArray(), tail.data<double>().ToArray());
    }

    [Fact]
    public void PerturbedFinals_RejectBadInputs()
    {
        using var g = TwoClusterDenoiser.Uniform(3, 1, 1);
        var grid = DiffusionDynamics.Time.TimeGrid.Uniform(5, 0.01, 10);
        using var x = torch.zeros(2, 3);
        using var v = torch.zeros(2, 3);
        using var wrong = torch.zeros(2, 4);
        Assert.ThrowsAny<ArgumentException>(() => PerturbationResponse.PerturbedFinals(SamplerKind.OdeHeun, g, grid, x, 10, 0.1, v, null));
        Assert.ThrowsAny<ArgumentException>(() => PerturbationResponse.PerturbedFinals(SamplerKind.OdeHeun, g, grid, x, 2, double.NaN, v, null));
        Assert.ThrowsAny<ArgumentException>(() => PerturbationResponse.PerturbedFinals(SamplerKind.OdeHeun, g, grid, wrong, 2, 0.1, wrong, null));
        Assert.ThrowsAny<ArgumentException>(() => PerturbationResponse.PerturbedFinals(SamplerKind.EulerMaruyama, g, grid, x, 2, 0.1, v, null));
        Assert.ThrowsAny<ArgumentException>(() => PerturbationResponse.Summarize(1, [], null, [], null));
    }
}
