using DiffusionDynamics.Random;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class TrajectoryGeometryTests
{
    [Fact]
    public void PlaneResidual_IsZero_ForAGaussianWithTwoDistinctEigenvaluesAndZeroMean()
    {
        // Each ODE (and Heun) step multiplies the A- and B-eigenspace parts of x by one factor each, so x(t) ∈ span{P_A x(T), P_B x(T)}
        // = span{x(T), x̂₀}: ρ(t) is rounding only (float64, ≈ 1e-15); 1e-10 leaves room for 220 steps of accumulation.
        double[] lambdas = [9, 9, 9, 0.5, 0.5, 0.5, 0.5];
        var (data, g) = ExactGaussian.Make(lambdas, new double[7]);
        using var _ = g;
        var r = TrajectoriesExperiment.Run(data, g, new TrajectoriesOptions(Trajectories: 8, Steps: 100, Modes: 1, PerturbationCount: 0,
            Precision: Precision.Float64, StripTrajectories: 0));
        Assert.True(r.PlaneResidual.MaxMeanResidual < 1e-10, $"max residual {r.PlaneResidual.MaxMeanResidual}");
        // The states of one trajectory then span a plane through the origin: after centring, two components hold all variance.
        Assert.True(r.PlaneResidual.Pca.Top2 > 1 - 1e-10, $"top-2 share {r.PlaneResidual.Pca.Top2}");
        Assert.All(r.PlaneResidual.Curve, p => Assert.True(p.Theory is < 1e-6));
    }

    [Fact]
    public void PlaneResidual_OfGaussianOdeTrajectories_MatchesTheClosedFormFlowOfTheSameStarts()
    {
        // Independent computation: x(t) = e^{−t} m + Σ_k ψ_k(t) (x(T) − e^{−T} m)_k e_k and x̂₀ = D(x(t_min)) in closed form, from the
        // same x(T) (sample i's stream), residual by Gram–Schmidt in plain doubles. Heun's global error is O(h²) ≈ 1e-4 relative on the
        // states (h ≈ 0.025), so the residuals (≈ 0.1) agree to 1e-3.
        double[] lambdas = [40, 8, 2, 0.5, 0.1];
        double[] mean = [0.5, -0.3, 0.2, 0.0, 0.1];
        var (data, g) = ExactGaussian.Make(lambdas, mean);
        using var _ = g;
        int B = 6, d = 5;
        var options = new TrajectoriesOptions(Trajectories: B, Steps: 400, Modes: 2, PerturbationCount: 0, Precision: Precision.Float64, StripTrajectories: 0, Seed: 9);
        var r = TrajectoriesExperiment.Run(data, g, options);
        var grid = CloningExperiment.BuildGrid(10, 1e-3, 400, []);
        using var xT = NoiseSource.ForSamples(9, 0, B, d).Next(ScalarType.Float64);
        var start = xT.data<double>().ToArray();
        double T = 10, tMin = 1e-3;
        for (int s = 0; s <= grid.Steps; s += 20)
        {
            double t = grid[s], sum = 0;
            for (int b = 0; b < B; b++)
            {
                var y = Enumerable.Range(0, d).Select(k => start[b * d + k] - Math.Exp(-T) * mean[k]).ToArray();
                var x0 = Enumerable.Range(0, d).Select(k => start[b * d + k]).ToArray();
                var xt = Enumerable.Range(0, d).Select(k => Math.Exp(-t) * mean[k] + GaussianFlow.Psi(lambdas[k], t, T) * y[k]).ToArray();
                var xf = Enumerable.Range(0, d).Select(k =>
                {
                    double v = GaussianFlow.MarginalVariance(lambdas[k], tMin);
                    return mean[k] + Math.Exp(-tMin) * lambdas[k] / v * GaussianFlow.Psi(lambdas[k], tMin, T) * y[k];
                }).ToArray();
                sum += Residual(xt, x0, xf);
            }
            Assert.Equal(sum / B, r.PlaneResidual.Curve[s].Mean, 1e-3);
        }
    }

    [Fact]
    public void PlaneResidual_LargeDGaussian_IsSmall_AndFollowsTheSelfAveragingTheory()
    {
        // d = 400, λ_k = 30·0.98^k: the large-d theory replaces the Gram matrix of {x(t), x(T), x̂₀} by its mean; per trajectory ρ²
        // fluctuates by O(1/√d_eff) relative (d_eff ≈ 50 modes carry the signal), so the bound is 4 SE + 15 % of the theory.
        int d = 400;
        var lambdas = Enumerable.Range(0, d).Select(k => 30 * Math.Pow(0.98, k)).ToArray();
        var (data, g) = ExactGaussian.Make(lambdas, new double[d]);
        using var _ = g;
        var r = TrajectoriesExperiment.Run(data, g, new TrajectoriesOptions(Trajectories: 16, Steps: 100, Modes: 1, PerturbationCount: 0,
            Precision: Precision.Float64, StripTrajectories: 0, Seed: 2));
        foreach (var p in r.PlaneResidual.Curve.Where((_, i) => i % 10 == 0))
        {
            double theory = p.Theory!.Value;
            Assert.True(Math.Abs(p.Mean - theory) < 4 * p.Stderr + 0.15 * theory + 1e-6, $"t = {p.T}: measured {p.Mean} ± {p.Stderr}, theory {theory}");
        }
        Assert.True(r.PlaneResidual.MaxMeanResidual < 0.3, $"max residual {r.PlaneResidual.MaxMeanResidual}");
    }

    [Fact]
    public void PcaShares_OfAStraightLine_PutEverythingInOneComponent()
    {
        // x(t_s) = s·w: after centring over time, one direction carries all the variance.
        using var w = torch.tensor(new double[] { 1, 2, -1 });
        using var states = torch.stack(Enumerable.Range(0, 5).Select(s => w * s).ToArray()).unsqueeze(0);
        var shares = TrajectoryGeometry.PcaShares(states).data<double>().ToArray();
        Assert.Equal(1.0, shares[0], 12);
        Assert.Equal(1.0, shares[2], 12);
    }

    [Fact]
    public void Geometry_RejectsBadShapes()
    {
        using var states = torch.zeros(2, 4, 3);
        using var wrong = torch.zeros(2, 5);
        Assert.ThrowsAny<ArgumentException>(() => TrajectoryGeometry.PlaneResiduals(states, wrong));
        using var flat = torch.zeros(4, 3);
        Assert.ThrowsAny<ArgumentException>(() => TrajectoryGeometry.PcaShares(flat));
        Assert.ThrowsAny<ArgumentException>(() => TrajectoryGeometry.Summarize([1.0, 0.5], [[0.0]], [[1.0, 1, 1]]));
    }

    private static double Residual(double[] x, double[] a, double[] b)
    {
        double na = Math.Sqrt(a.Sum(v => v * v));
        var q1 = a.Select(v => v / na).ToArray();
        double p = q1.Zip(b, (u, v) => u * v).Sum();
        var e2 = b.Select((v, i) => v - p * q1[i]).ToArray();
        double n2 = Math.Sqrt(e2.Sum(v => v * v));
        var q2 = e2.Select(v => v / n2).ToArray();
        double c1 = q1.Zip(x, (u, v) => u * v).Sum(), c2 = q2.Zip(x, (u, v) => u * v).Sum();
        var res = x.Select((v, i) => v - c1 * q1[i] - c2 * q2[i]).ToArray();
        return Math.Sqrt(res.Sum(v => v * v)) / Math.Sqrt(x.Sum(v => v * v));
    }
}
