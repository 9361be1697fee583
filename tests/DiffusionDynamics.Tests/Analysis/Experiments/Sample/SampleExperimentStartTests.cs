using DiffusionDynamics.Random;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class SampleExperimentStartTests
{
    private static Dataset Data() => new DataRequest("two-cluster:d=6,n=200").Load();

    [Fact]
    public void DefaultStart_IsTheNoiseRule_AndTheSamplesOfTheDirectSamplerCall()
    {
        // Regression: with Start = null the run equals Start.FromNoise + TrajectoryRunner.Run on the default grid (bit-identical).
        var data = Data();
        var options = new SampleOptions(Samples: 5, Steps: 15, Sampler: SamplerKind.OdeEuler, Seed: 4);
        var result = SampleExperiment.Run(data, options);
        using var a = data.ToTensor();
        using var empirical = new EmpiricalDenoiser(a);
        var noise = NoiseSource.ForSamples(4, 0, 5, data.Dimension);
        using var x = Start.FromNoise(noise);
        using var direct = TrajectoryRunner.Run(empirical, new TrajectoryRequest(SamplerKind.OdeEuler), options.FullGrid(), x, noise);
        Assert.Equal(direct.data<float>().ToArray(), result.Samples);
        Assert.Equal(15 + 20 + 1, result.DenoiserEvaluations);
    }

    [Fact]
    public void TeleportRun_CountsOnlyTheStepsBelowTSkip_AndIsIndependentOfBatchSize()
    {
        var data = Data();
        var start = new StartOptions(StartKind.Teleport, 1.0);
        var options = new SampleOptions(Samples: 6, Steps: 30, Sampler: SamplerKind.DpmSolver2M, Start: start, Seed: 1);
        int below = options.FullGrid().ToArray().Count(t => t < 1.0);
        Assert.Equal(below, options.SamplerGrid().Steps); // t_skip prepended, the lower grid times kept
        var one = SampleExperiment.Run(data, options);
        var batched = SampleExperiment.Run(data, options with { Batch = 4 });
        Assert.Equal(below + 1, one.DenoiserEvaluations);
        // Same per-sample streams; only GEMM blocking may differ with the batch size (float32 round-off).
        for (int i = 0; i < one.Samples.Length; i++) Assert.True(Math.Abs(one.Samples[i] - batched.Samples[i]) < 1e-4);
    }

    [Fact]
    public void GaussianLateStartRun_WithTheDataGaussianAsModel_ReproducesTheGaussianMoments()
    {
        // Gaussian data (d = 3 spectrum 3, 1, 0.2): model = its fitted Gaussian, late start at t_skip = 1 from the same
        // Gaussian, DDIM on the log-SNR grid with 100 steps (error ≈ 6/N = 0.06 in the worst coordinate ⇒ covariance
        // allowance 2·√3·0.06 ≈ 0.2). Moments of 2000 samples against the fitted Gaussian within 4 SE + allowance.
        var data = new DataRequest("gaussian:d=3,n=500,spectrum=3;1;0.2").Load();
        using var g = GaussianDenoiser.FromData(data);
        var options = new SampleOptions(Samples: 2000, Steps: 100, Sampler: SamplerKind.Ddim,
            Start: new StartOptions(StartKind.GaussianLateStart, 1.0), GridKind: SamplingGrid.LogSnr, Seed: 9);
        var result = SampleExperiment.Run(data, options, model: g, gaussian: g);
        using var samples = torch.tensor(result.Samples, [2000, 3]);
        GaussianMoments.Assert(samples, g, 0.0, 2000, bias: 2 * Math.Sqrt(3.0) * 0.06);
    }

    [Fact]
    public void BadStartOptions_ThrowArgumentException()
    {
        var data = Data();
        Assert.ThrowsAny<ArgumentException>(() => SampleExperiment.Run(data, new SampleOptions(Start: new StartOptions(StartKind.Teleport))));
        Assert.ThrowsAny<ArgumentException>(() => SampleExperiment.Run(data, new SampleOptions(Start: new StartOptions(StartKind.Teleport, 1e-3))));
        Assert.ThrowsAny<ArgumentException>(() => SampleExperiment.Run(data, new SampleOptions(Start: new StartOptions(StartKind.GaussianLateStart, 6.0), GridKind: SamplingGrid.DdpmLinear)));
        Assert.ThrowsAny<ArgumentException>(() => SampleExperiment.Run(data, new SampleOptions(Steps: 1000, GridKind: SamplingGrid.DdpmLinear)));
        using var wrong = GaussianDenoiser.Isotropic(torch.zeros(4, dtype: ScalarType.Float64), 1.0);
        Assert.Equal("gaussian", Assert.Throws<ArgumentException>(() =>
            SampleExperiment.Run(data, new SampleOptions(Start: new StartOptions(StartKind.Teleport, 1.0)), gaussian: wrong)).ParamName);
    }
}
