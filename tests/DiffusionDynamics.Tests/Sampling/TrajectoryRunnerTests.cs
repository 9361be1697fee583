using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Tests.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

public class TrajectoryRunnerTests
{
    /// <summary>Runs B parents through the runner and returns their clones at branch index k as [B, K, d] (float64 copies).</summary>
    private static Tensor Clones(IDenoiser den, TimeGrid grid, int batchSize, int count, long seed, int k, int clones, SamplerKind sampler,
        TrajectoryStart? start = null, CloneRule rule = CloneRule.Auto)
    {
        int d = den.Dimension;
        var result = torch.zeros([count, clones, d], dtype: ScalarType.Float64);
        var handler = new TrajectoryCallbacks
        {
            OnClones = (batch, index, parents, ends) =>
            {
                Assert.Equal(k, index);
                result.narrow(0, batch.FirstId, batch.Count).copy_(ends.to_type(ScalarType.Float64).reshape(batch.Count, clones, d));
            },
        };
        var samples = new SampleBatches(count, batchSize, seed)
        {
            Start = start ?? TrajectoryStart.Custom(n => Start.FromNoise(n, ScalarType.Float64)),
            Branches = new BranchOptions([k], clones, rule),
        };
        TrajectoryRunner.RunBatches(den, new TrajectoryRequest(sampler), grid, samples, handler);
        return result;
    }

    [Fact]
    public void Cloning_AtTheLastTime_GivesIdenticalClones_AndAtTheStart_IndependentOutcomes()
    {
        // Two-cluster model, d = 64, μ = 1: t_S = ½ ln(65) ≈ 2.09. Branching at T = 8 the two clones pick
        // their class independently (φ = ½); branching at the last time they are copies of one trajectory.
        // (Moved from the former Sampling.Cloning tests; assertions unchanged.)
        using var den = TwoClusterDenoiser.Uniform(64, 1.0, 1.0);
        var grid = TimeGrid.Uniform(8.0, 0.01, 100);
        int b = 400;
        var noise = NoiseSource.ForSamples(13, 0, b, 64);
        using var x0 = Start.FromNoise(noise, ScalarType.Float64);
        using (var late = Clones(den, grid, b, b, 13, grid.Steps, 2, SamplerKind.EulerMaruyama))
            Assert.True((late.select(1, 0) - late.select(1, 1)).abs().max().item<double>() == 0);
        using var early = Clones(den, grid, b, b, 14, 0, 2, SamplerKind.EulerMaruyama, TrajectoryStart.Custom(_ => x0.clone()));
        using var m = torch.ones(64, dtype: ScalarType.Float64);
        var classes = early.matmul(m).sign(); // [B, 2]
        double same = (classes.select(1, 0) == classes.select(1, 1)).to_type(ScalarType.Float64).mean().item<double>();
        Assert.True(Math.Abs(same - 0.5) < 4 * Math.Sqrt(0.25 / b), $"φ(T) = {same}");
        Assert.Equal(new long[] { b, 2, 64 }, early.shape);
    }

    [Theory]
    [InlineData(SamplerKind.EulerMaruyama)]
    [InlineData(SamplerKind.DdpmAncestral)]
    [InlineData(SamplerKind.DpmSolver2M)]
    public void Results_DoNotDependOnTheBatchSize_WithOrWithoutClones(SamplerKind sampler)
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.Uniform(4.0, 0.05, 12);
        using var whole = Clones(g, grid, 10, 10, 5, 6, 3, sampler);
        using var split = Clones(g, grid, 3, 10, 5, 6, 3, sampler);
        Assert.Equal(0.0, (whole - split).abs().max().item<double>(), 12);

        float[] Finals(int batch)
        {
            var all = new float[10 * 3];
            var handler = new TrajectoryCallbacks { OnFinal = (b, f) => f.to_type(ScalarType.Float32).contiguous().data<float>().CopyTo(all, (int)b.FirstId * 3) };
            TrajectoryRunner.RunBatches(g, new TrajectoryRequest(sampler), grid, new SampleBatches(10, batch, 9), handler);
            return all;
        }
        var a = Finals(10);
        var c = Finals(4);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], c[i], 5);
    }

    [Fact]
    public void OneBatch_MatchesTheSingleRun_BitForBit()
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.Uniform(3.0, 0.05, 10);
        var noise = NoiseSource.ForSamples(21, 0, 6, 3);
        using var x = Start.FromNoise(noise);
        using var direct = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x, noise);
        Tensor? viaBatches = null;
        TrajectoryRunner.RunBatches(g, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, new SampleBatches(6, 6, 21),
            new TrajectoryCallbacks { OnFinal = (_, f) => viaBatches = f.clone().DetachFromDisposeScope() });
        Assert.True(torch.equal(direct, viaBatches!).all().item<bool>());
        viaBatches!.Dispose();
    }

    [Theory]
    [InlineData(SamplerKind.EulerMaruyama, 1)]
    [InlineData(SamplerKind.OdeHeun, 4)]
    public void Progress_CountsEveryGridStep_OfParentsAndClones(SamplerKind sampler, int batch)
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.Uniform(3.0, 0.05, 10);
        var samples = new SampleBatches(5, batch, 1) { Branches = new BranchOptions([3, 7], 2) };
        var request = new TrajectoryRequest(sampler);
        var reported = new List<long>();
        TrajectoryRunner.RunBatches(g, request, grid, samples, new TrajectoryCallbacks(), new SyncProgress(reported.Add));
        long total = TrajectoryRunner.TotalSteps(grid, request, samples);
        int batches = (5 + batch - 1) / batch;
        // Clones run from k (10 − 3 + 10 − 7) under both (the deterministic default regenerates at t_k).
        long perBatch = 10 + 7 + 3;
        Assert.Equal(perBatch * batches, total);
        Assert.Equal(total, reported[^1]);
        for (int i = 1; i < reported.Count; i++) Assert.True(reported[i] >= reported[i - 1], "progress must not go back");
    }

    [Fact]
    public void DeterministicClones_WithExactCopies_EndIdentical_AndRenoisedOrKicked_Differ()
    {
        using var den = TwoClusterDenoiser.Uniform(16, 1.0, 1.0);
        var grid = TimeGrid.Uniform(4.0, 0.01, 40);
        using var copies = Clones(den, grid, 8, 8, 3, 20, 2, SamplerKind.OdeHeun, rule: CloneRule.Copy);
        Assert.Equal(0.0, (copies.select(1, 0) - copies.select(1, 1)).abs().max().item<double>());
        using var renoised = Clones(den, grid, 8, 8, 3, 20, 2, SamplerKind.OdeHeun);
        Assert.True((renoised.select(1, 0) - renoised.select(1, 1)).abs().max().item<double>() > 1e-3);
        using var kicked = Clones(den, grid, 8, 8, 3, 20, 2, SamplerKind.OdeHeun, rule: CloneRule.ForwardKick);
        Assert.True((kicked.select(1, 0) - kicked.select(1, 1)).abs().max().item<double>() > 1e-3);
        Assert.ThrowsAny<ArgumentException>(() => Clones(den, grid, 8, 8, 3, 0, 2, SamplerKind.OdeHeun, rule: CloneRule.ForwardKick)); // no step before T
        Assert.Equal(CloneRule.Copy, new BranchOptions([1]).ResolvedRule(new TrajectoryRequest(SamplerKind.Ddim) { DdimEta = 0.5 }));
        Assert.Equal(CloneRule.Renoise, new BranchOptions([1]).ResolvedRule(new TrajectoryRequest(SamplerKind.DpmSolver2M)));
    }

    [Fact]
    public void ForwardKick_KeepsTheMarginal_OfAGaussianState()
    {
        // x(t) ~ P_t = N(0, I) for standard normal data at every t; the kick e^{−h}x + √Δ_h z is again N(0, I).
        var noise = NoiseSource.ForSamples(4, 0, 20000, 2);
        using var x = noise.Next(ScalarType.Float64);
        double h = 0.3;
        using var kicked = x * Math.Exp(-h) + noise.Branch(1, 5).Next(ScalarType.Float64) * Math.Sqrt(OuTime.Delta(h));
        Assert.Equal(1.0, kicked.var().item<double>(), 1);
    }

    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
