using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

public class SamplerTests
{
    private sealed class Recorder : IStepObserver
    {
        public List<(int Index, double T, double TNext, bool Final)> Steps { get; } = [];
        public void OnStep(in StepRecord step) => Steps.Add((step.Index, step.T, step.TNext, step.IsFinal));
    }

    private static GaussianDenoiser AnisotropicGaussian()
    {
        using var mean = torch.tensor(new[] { 1.0, -1.0 });
        using var cov = torch.tensor(new[,] { { 2.0, 0.8 }, { 0.8, 0.6 } });
        return new GaussianDenoiser(mean, cov);
    }

    [Trait(Category.Name, Category.Slow)]
    [Fact]
    public void Sde_FromGaussianData_ReproducesMeanAndCovariance()
    {
        // Exact Gaussian score, T = 8 (P_T is N(0, I) up to e^{-16}), 500 EM steps (discretization bias of
        // the variance O(h) ≈ 1 %, well inside 4 SE ≈ 9 % for B = 4,000).
        using var g = AnisotropicGaussian();
        int b = 4000;
        var noise = NoiseSource.ForSamples(seed: 1, firstId: 0, batch: b, dimension: 2);
        using var x0 = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.Uniform(8.0, 1e-3, 500);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x0, noise);
        AssertMoments(samples, new[] { 1.0, -1.0 }, new[,] { { 2.0, 0.8 }, { 0.8, 0.6 } }, b);
    }

    [Fact]
    public void OdeHeun_FromGaussianData_ReproducesMeanAndCovariance()
    {
        using var g = AnisotropicGaussian();
        int b = 4000;
        var noise = NoiseSource.ForSamples(2, 0, b, 2);
        using var x0 = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.Uniform(8.0, 1e-3, 200);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun), grid, x0);
        AssertMoments(samples, new[] { 1.0, -1.0 }, new[,] { { 2.0, 0.8 }, { 0.8, 0.6 } }, b);
    }

    private static void AssertMoments(Tensor samples, double[] mean, double[,] cov, int n)
    {
        var m = samples.mean([0]);
        var c = samples - m;
        var sc = c.t().mm(c) / (n - 1);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(Math.Abs(m[i].item<double>() - mean[i]) < 4 * Math.Sqrt(cov[i, i] / n), $"mean[{i}] = {m[i].item<double>()}");
            for (int j = 0; j < 2; j++)
            {
                double se = Math.Sqrt((cov[i, i] * cov[j, j] + cov[i, j] * cov[i, j]) / n);
                Assert.True(Math.Abs(sc[i, j].item<double>() - cov[i, j]) < 4 * se, $"cov[{i},{j}] = {sc[i, j].item<double>()} vs {cov[i, j]}");
            }
        }
    }

    [Fact]
    public void OdeHeun_MatchesClosedFormGaussianFlow()
    {
        // PF-ODE of a Gaussian: in the eigenbasis, x − e^{−t} m scales by ψ_k(t) = √((e^{−2t}λ_k + Δ_t)/(e^{−2T}λ_k + Δ_T))
        // (Wang & Vastola, arXiv 2303.02490). Heun's global error is O(h²): with 400 steps from T = 3, ≲ 1e-5.
        using var g = AnisotropicGaussian();
        double T = 3.0, tEnd = 0.05;
        using var x0 = torch.tensor(new[,] { { 0.3, -1.2 }, { 2.0, 0.5 }, { -1.0, -1.0 } });
        var grid = TimeGrid.Uniform(T, tEnd, 400);
        using var xT = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, grid, x0);
        var u = g.Basis;
        var lambda = g.Eigenvalues;
        using var y0 = (x0 - g.Mean * Math.Exp(-T)).mm(u);
        var psi = lambda.Select(l => Math.Sqrt((Math.Exp(-2 * tEnd) * l + OuTime.Delta(tEnd)) / (Math.Exp(-2 * T) * l + OuTime.Delta(T)))).ToArray();
        using var expected = (y0 * torch.tensor(psi)).mm(u.t()) + g.Mean * Math.Exp(-tEnd);
        Assert.True((xT - expected).abs().max().item<double>() < 1e-4);
    }

    [Fact]
    public void Samples_DoNotDependOnBatchComposition()
    {
        using var g = AnisotropicGaussian();
        var grid = TimeGrid.Uniform(5, 0.01, 50);
        var all = NoiseSource.ForSamples(7, 0, 6, 2);
        using var xAll = Start.FromNoise(all, ScalarType.Float64);
        using var rAll = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, xAll, all);
        var tail = NoiseSource.ForSamples(7, 3, 3, 2);
        using var xTail = Start.FromNoise(tail, ScalarType.Float64);
        using var rTail = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, xTail, tail);
        // Same streams → same noise; only GEMM blocking may differ with B (float64 round-off).
        Assert.True((rAll.narrow(0, 3, 3) - rTail).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void SameSeed_SameSamples_DifferentSeed_DifferentSamples()
    {
        using var g = AnisotropicGaussian();
        var grid = TimeGrid.Uniform(4, 0.01, 30);
        Tensor Run(long seed)
        {
            var n = NoiseSource.ForSamples(seed, 0, 4, 2);
            using var x = Start.FromNoise(n, ScalarType.Float64);
            return TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x, n);
        }
        using var a = Run(3);
        using var b = Run(3);
        using var c = Run(4);
        Assert.True(torch.equal(a, b).all().item<bool>());
        Assert.False(a.allclose(c));
    }

    [Fact]
    public void Observer_SeesEveryGridTimeThenTheFinalRecord()
    {
        using var g = AnisotropicGaussian();
        var grid = TimeGrid.Uniform(2, 0.1, 5);
        var rec = new Recorder();
        using var x = torch.zeros(2, 2, dtype: ScalarType.Float64);
        using var r = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeEuler), grid, x, observer: rec);
        Assert.Equal(6, rec.Steps.Count);
        for (int k = 0; k < 5; k++)
        {
            Assert.Equal(k, rec.Steps[k].Index);
            Assert.Equal(grid.Times[k], rec.Steps[k].T);
            Assert.Equal(grid.Times[k + 1], rec.Steps[k].TNext);
            Assert.False(rec.Steps[k].Final);
        }
        Assert.True(rec.Steps[5].Final);
        Assert.Equal(0.1, rec.Steps[5].T, 12);
    }

    [Fact]
    public void ForwardMarginalStart_PicksTrainingPointsAndNoisesThem()
    {
        // n = 1: x(t0) ~ N(a e^{−t0}, Δ I) exactly.
        using var a = torch.tensor(new[,] { { 3.0, -2.0 } });
        double t0 = 0.5;
        int b = 5000;
        var noise = NoiseSource.ForSamples(9, 0, b, 2);
        var (x, idx) = Start.FromForwardMarginal(a, t0, noise);
        Assert.All(idx, i => Assert.Equal(0, i));
        var m = x.mean([0]);
        double se = Math.Sqrt(OuTime.Delta(t0) / b);
        Assert.True(Math.Abs(m[0].item<double>() - 3 * Math.Exp(-t0)) < 4 * se);
        Assert.True(Math.Abs(m[1].item<double>() + 2 * Math.Exp(-t0)) < 4 * se);
        double v = x.var(0)[0].item<double>();
        Assert.True(Math.Abs(v - OuTime.Delta(t0)) < 4 * OuTime.Delta(t0) * Math.Sqrt(2.0 / b));
        x.Dispose();
    }

    [Fact]
    public void InvalidArguments_GiveClearErrors()
    {
        using var g = AnisotropicGaussian();
        var grid = TimeGrid.Uniform(2, 0.1, 5);
        using var wrong = torch.zeros(2, 3, dtype: ScalarType.Float64);
        using var x = torch.zeros(2, 2, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeEuler), grid, wrong));
        Assert.Contains("noise", Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x)).Message);
        var mismatched = NoiseSource.ForSamples(1, 0, 3, 2);
        Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x, mismatched));
        Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeEuler) { FromIndex = 0, ToIndex = 1 }, TimeGrid.FromTimes([1.0, 0.0]), x));
        Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeEuler) { FromIndex = 0, ToIndex = 1 }, TimeGrid.FromTimes([1.0, 2.0]), x));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeEuler) { FromIndex = 0, ToIndex = 6 }, grid, x));
        using var a = torch.zeros(3, 2, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentOutOfRangeException>(() => Start.FromForwardMarginal(a, 0, NoiseSource.ForSamples(1, 0, 2, 2)));
        using var nan = torch.full(2, 2, double.NaN, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => Start.FromBatch(nan, 2));
    }
}
