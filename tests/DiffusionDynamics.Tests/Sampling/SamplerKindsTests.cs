using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Tests.Theory;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

public class SamplerKindsTests(ITestOutputHelper output)
{
    private sealed class CountingDenoiser(IDenoiser inner) : IDenoiser
    {
        public int Calls { get; private set; }
        public int Dimension => inner.Dimension;
        public Tensor Denoise(Tensor x, double t) { Calls++; return inner.Denoise(x, t); }
    }

    private sealed class Recorder : IStepObserver
    {
        public List<(int Index, double T, double TNext, bool Final)> Steps { get; } = [];
        public void OnStep(in StepRecord step) => Steps.Add((step.Index, step.T, step.TNext, step.IsFinal));
    }

    private static Tensor Starts() => torch.tensor(new[,] { { 0.3, -1.2, 0.7 }, { 2.0, 0.5, -0.4 }, { -1.0, -1.0, 1.5 }, { 0.1, 0.9, -2.0 } });

    private static double MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<double>();

    /// <summary>Max error against the closed-form transport after a deterministic run on the log-SNR grid from T to tEnd.</summary>
    private static double TransportError(SamplerKind kind, GaussianDenoiser g, Tensor x, double T, double tEnd, int steps)
    {
        using var exact = g.Transport(x, T, tEnd);
        using var run = TrajectoryRunner.Run(g, new TrajectoryRequest(kind) { FinalDenoise = false }, TimeGrid.LogSnr(T, tEnd, steps), x);
        return MaxError(run, exact);
    }

    [Fact]
    public void Ddim_OnAPointMass_OneStepEqualsTheClosedForm()
    {
        // D ≡ a (a point mass) ⇒ the PF-ODE is x(t) − e^{−t} a ∝ σ_t, which DDIM's update reproduces exactly:
        // one step from T = 3 to 0.1 equals the closed form up to float64 round-off.
        using var a = torch.tensor(new[] { 1.5, -0.5, 0.25 });
        using var pointMass = GaussianDenoiser.Isotropic(a, 0.0);
        using var x = Starts();
        using var exact = pointMass.Transport(x, 3.0, 0.1);
        using var oneStep = TrajectoryRunner.Run(pointMass, new TrajectoryRequest(SamplerKind.Ddim) { FinalDenoise = false }, TimeGrid.FromTimes([3.0, 0.1]), x);
        Assert.True(MaxError(oneStep, exact) < 1e-13);
        // DPM-Solver++(2M) reduces to DDIM on its first step and stays exact for constant D on any grid.
        using var dpm = TrajectoryRunner.Run(pointMass, new TrajectoryRequest(SamplerKind.DpmSolver2M) { FinalDenoise = false }, TimeGrid.Uniform(3.0, 0.1, 7), x);
        Assert.True(MaxError(dpm, exact) < 1e-13);
    }

    [Fact]
    public void Ddim_IsFirstOrder_DpmSolver2M_IsSecondOrder_OnGaussianData()
    {
        // Errors against the closed-form Gaussian PF-ODE on log-SNR grids of N = 16 … 128 steps (T = 4 → 0.02);
        // the slope of log error vs log N is the order. Bands: observed first-order slopes ≈ 1.0 and second-order ≈ 2.0
        // in the asymptotic range; the bands [0.8, 1.2] and [1.7, 2.3] leave room for pre-asymptotic curvature only.
        using var g = GaussianFlowTransportTests.Gaussian3();
        using var x = Starts();
        int[] steps = [16, 32, 64, 128];
        foreach (var (kind, lo, hi) in new[] { (SamplerKind.Ddim, 0.8, 1.2), (SamplerKind.DpmSolver2M, 1.7, 2.3) })
        {
            var errors = steps.Select(n => TransportError(kind, g, x, 4.0, 0.02, n)).ToArray();
            output.WriteLine($"{kind}: {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
            for (int i = 1; i < errors.Length; i++)
                Assert.InRange(Math.Log2(errors[i - 1] / errors[i]), lo, hi);
        }
    }

    [Theory]
    [InlineData(SamplerKind.Ddim, 200)]
    [InlineData(SamplerKind.DpmSolver2M, 40)]
    [InlineData(SamplerKind.OdeHeun, 100)]
    public void DeterministicSamplers_FromNoise_ReproduceTheDataMoments(SamplerKind kind, int steps)
    {
        // x(T = 8) ~ N(0, I) (P_8 differs by e^{−16}λ ≈ 5e-7), log-SNR grid to t_min = 1e-3, final denoise.
        // Moments within 4 SE (n = 4000). Integration errors from the order test (DDIM ≈ 6/N, DPM-Solver++(2M)
        // ≈ 7/N² in the worst coordinate) shift a covariance entry by ≲ 2·2·err ≈ 0.1 (DDIM, N = 200) and ≈ 0.02,
        // below 4 SE of the large entries but not of the smallest (4 SE ≈ 0.003): allowance 2·√λ_max·err.
        using var g = GaussianFlowTransportTests.Gaussian3();
        int n = 4000;
        var noise = NoiseSource.ForSamples(31, 0, n, 3);
        using var x = Start.FromNoise(noise, ScalarType.Float64);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(kind), TimeGrid.LogSnr(8.0, 1e-3, steps), x);
        double err = kind switch { SamplerKind.Ddim => 6.0 / steps, _ => 7.0 / (steps * steps) };
        GaussianMoments.Assert(samples, g, 0.0, n, bias: 2 * Math.Sqrt(g.Eigenvalues[0]) * err);
    }

    [Fact]
    public void DdpmAncestral_OnTheDdpmGrid_ReproducesTheDataMoments()
    {
        // 250 evenly spaced steps of the DDPM linear schedule (T = t_999 ≈ 5.06, P_T = N(0, I) up to e^{−10.1}λ ≈ 2e-4)
        // with the exact Gaussian denoiser; mean and covariance within 4 SE (n = 4000) plus 0.01 for the O(h)
        // discretization bias of an ancestral step (h ≤ 0.05 here).
        using var g = GaussianFlowTransportTests.Gaussian3();
        int n = 4000;
        var noise = NoiseSource.ForSamples(21, 0, n, 3);
        using var x = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 250);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, x, noise);
        GaussianMoments.Assert(samples, g, 0.0, n, bias: 0.01);
    }

    [Fact]
    public void DdimEta_IsDdimAtZero_AndTheDdpmAncestralStepAtOne_WithTheSameNoise()
    {
        // η = 1: c² = Δ_sΔ_h/Δ_t and √(Δ_s − c²)/σ_t = e^{−h}Δ_s/Δ_t (since Δ_t − Δ_h = e^{−2h}Δ_s), so the step is the DDPM
        // posterior draw term by term; with the same per-sample streams the runs agree to float64 round-off.
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 40);
        var a = NoiseSource.ForSamples(8, 0, 16, 3);
        using var xa = Start.FromNoise(a, ScalarType.Float64);
        using var eta1 = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 1.0 }, grid, xa, a);
        var b = NoiseSource.ForSamples(8, 0, 16, 3);
        using var xb = Start.FromNoise(b, ScalarType.Float64);
        using var ddpm = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, xb, b);
        Assert.True(MaxError(eta1, ddpm) < 1e-10);
        // η = 0 is the deterministic DDIM, noise or not.
        var c = NoiseSource.ForSamples(8, 0, 16, 3);
        using var xc = Start.FromNoise(c, ScalarType.Float64);
        using var eta0 = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 0.0 }, grid, xc, c);
        using var ddim = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim), grid, xa);
        Assert.True(torch.equal(eta0, ddim).all().item<bool>());
        Assert.True(SamplerRegistry.Get(SamplerKind.Ddim).IsStochastic(0.5));
        Assert.False(SamplerRegistry.Get(SamplerKind.Ddim).IsStochastic());
    }

    [Fact]
    public void DdimEta_Half_OnTheDdpmGrid_ReproducesTheDataMoments()
    {
        // η = ½ with the exact Gaussian denoiser on 250 DDPM steps, a step between DDIM (η = 0) and DDPM (η = 1): moments within
        // 4 SE (n = 4000) plus the sum of both samplers' discretization allowances above (DDPM 0.01 at h ≤ 0.05; DDIM 2·√λ_max·6/N).
        using var g = GaussianFlowTransportTests.Gaussian3();
        int n = 4000;
        var noise = NoiseSource.ForSamples(41, 0, n, 3);
        using var x = Start.FromNoise(noise, ScalarType.Float64);
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 250);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 0.5 }, grid, x, noise);
        GaussianMoments.Assert(samples, g, 0.0, n, bias: 0.01 + 2 * Math.Sqrt(g.Eigenvalues[0]) * 6.0 / 250);
    }

    [Fact]
    public void DdimEta_OutOfRange_OrWithAnotherSampler_OrWithoutNoise_IsRefused()
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 10);
        var noise = NoiseSource.ForSamples(1, 0, 2, 3);
        using var x = Start.FromNoise(noise, ScalarType.Float64);
        Assert.Equal("ddimEta", Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 1.5 }, grid, x, noise)).ParamName);
        Assert.Equal("ddimEta", Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama) { DdimEta = 0.3 }, grid, x, noise)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 0.3 }, grid, x, null)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiffusionDynamics.Analysis.SampleOptions(Sampler: SamplerKind.OdeHeun, DdimEta: 0.5).Validate());
    }

    [Fact]
    public void DdpmAncestral_IsIndependentOfBatchSize_AndReproducible()
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.FromSchedule(DdpmLinearSchedule.Default, 40);
        var all = NoiseSource.ForSamples(5, 0, 6, 3);
        using var xAll = Start.FromNoise(all, ScalarType.Float64);
        using var rAll = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, xAll, all);
        var tail = NoiseSource.ForSamples(5, 2, 4, 3);
        using var xTail = Start.FromNoise(tail, ScalarType.Float64);
        using var rTail = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, xTail, tail);
        // Same per-sample streams; only GEMM blocking may differ with B (float64 round-off).
        Assert.True(MaxError(rAll.narrow(0, 2, 4), rTail) < 1e-10);
        var again = NoiseSource.ForSamples(5, 0, 6, 3);
        using var xAgain = Start.FromNoise(again, ScalarType.Float64);
        using var rAgain = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, xAgain, again);
        Assert.True(torch.equal(rAll, rAgain).all().item<bool>());
    }

    [Fact]
    public void DdpmAncestral_OneStep_HasThePosteriorMeanAndVariance()
    {
        // From a fixed x_t the step draws N(μ̃, β̃ I): μ̃ = e^{−s}(Δ_h/Δ_t) D + e^{−h}(Δ_s/Δ_t) x_t, β̃ = Δ_s Δ_h/Δ_t
        // (Ho et al. Eq. 7 with ᾱ = e^{−2t}); with a point mass D ≡ a. Checked within 4 SE over n = 20000 draws.
        using var a = torch.tensor(new[] { 1.0, -2.0, 0.5 });
        using var pointMass = GaussianDenoiser.Isotropic(a, 0.0);
        int n = 20000;
        double t = 1.0, s = 0.6, h = t - s;
        using var x = torch.tensor(new[] { 0.2, 0.4, -0.3 }).expand(n, 3).contiguous();
        var noise = NoiseSource.ForSamples(8, 0, n, 3);
        using var next = TrajectoryRunner.Run(pointMass, new TrajectoryRequest(SamplerKind.DdpmAncestral) { FinalDenoise = false }, TimeGrid.FromTimes([t, s]), x, noise);
        double dt = OuTime.Delta(t), ds = OuTime.Delta(s), dh = OuTime.Delta(h);
        using var mu = a * (Math.Exp(-s) * dh / dt) + x[0] * (Math.Exp(-h) * ds / dt);
        double variance = ds * dh / dt;
        using var m = next.mean([0]);
        using var v = next.var(0);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(Math.Abs(m[i].item<double>() - mu[i].item<double>()) < 4 * Math.Sqrt(variance / n));
            Assert.True(Math.Abs(v[i].item<double>() - variance) < 4 * variance * Math.Sqrt(2.0 / n));
        }
    }

    [Theory]
    [InlineData(SamplerKind.EulerMaruyama)]
    [InlineData(SamplerKind.OdeEuler)]
    [InlineData(SamplerKind.OdeHeun)]
    [InlineData(SamplerKind.Ddim)]
    [InlineData(SamplerKind.DdpmAncestral)]
    [InlineData(SamplerKind.DpmSolver2M)]
    public void EveryKind_CountsItsDenoiserCalls_AndRecordsEveryGridTime(SamplerKind kind)
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var counting = new CountingDenoiser(g);
        var grid = TimeGrid.Uniform(2, 0.1, 5);
        var noise = NoiseSource.ForSamples(1, 0, 4, 3);
        var rec = new Recorder();
        using var x = Starts();
        using var r = TrajectoryRunner.Run(counting, new TrajectoryRequest(kind), grid, x, noise, rec);
        Assert.Equal(SamplerRegistry.Get(kind).DenoiserEvaluations(grid.Steps), counting.Calls);
        Assert.Equal(5 * (kind == SamplerKind.OdeHeun ? 2 : 1) + 1, counting.Calls);
        Assert.Equal(6, rec.Steps.Count);
        for (int k = 0; k < 5; k++) Assert.Equal((k, grid[k], grid[k + 1], false), rec.Steps[k]);
        Assert.True(rec.Steps[5].Final);
        Assert.True(r.isfinite().all().item<bool>());
    }

    [Fact]
    public void StochasticKinds_WithoutNoise_AndUnknownKinds_Throw()
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        using var x = Starts();
        var grid = TimeGrid.Uniform(2, 0.1, 5);
        Assert.True(SamplerRegistry.Get(SamplerKind.DdpmAncestral).IsStochastic());
        Assert.False(SamplerRegistry.Get(SamplerKind.Ddim).IsStochastic());
        Assert.False(SamplerRegistry.Get(SamplerKind.DpmSolver2M).IsStochastic());
        Assert.Equal("noise", Assert.Throws<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.DdpmAncestral), grid, x)).ParamName);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest((SamplerKind)99), grid, x)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerRegistry.Get(SamplerKind.Ddim).DenoiserEvaluations(-1));
        using var nan = torch.full(4, 3, double.NaN, dtype: ScalarType.Float64);
        Assert.ThrowsAny<ArgumentException>(() => TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.Ddim), grid, x.narrow(1, 0, 2)));
    }
}
