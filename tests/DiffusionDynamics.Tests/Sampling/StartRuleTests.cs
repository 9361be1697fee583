using DiffusionDynamics.Random;
using System.Text.Json;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Tests.Theory;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

public class StartRuleTests
{
    private static double MaxError(Tensor a, Tensor b) => (a - b).abs().max().item<double>();

    [Fact]
    public void Teleport_WithTheExactGaussianDenoiser_GivesTheSamplesOfFullIntegration()
    {
        // Same x(T) ~ N(0, I) per row. Full: Heun over the whole uniform grid T = 10 → 0.5. Teleport: closed form to
        // t_skip = 2.4 (a grid time), then Heun on the same grid below 2.4. The two differ only by Heun's O(h²) error above
        // t_skip, so their difference must fall ≈ 4× per halving of h (same limit); measured ratio ≈ 4.0.
        using var g = GaussianFlowTransportTests.Gaussian3();
        var differences = new List<double>();
        foreach (int steps in new[] { 80, 160, 320 })
        {
            var grid = TimeGrid.Uniform(10.0, 0.5, steps);
            var fresh = NoiseSource.ForSamples(3, 0, 64, 3);
            using var x = Start.FromNoise(fresh, ScalarType.Float64);
            using var full = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, grid, x);
            using var started = Start.Begin(new StartOptions(StartKind.Teleport, 2.4), grid, NoiseSource.ForSamples(3, 0, 64, 3), gaussian: g, dtype: ScalarType.Float64);
            Assert.Equal(grid.Steps / 5, started.Grid.Steps);   // t_skip = 2.4 is a grid time: the last 20 % of the steps remain
            using var teleported = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false }, started.Grid, started.X);
            differences.Add(MaxError(full, teleported));
        }
        for (int i = 1; i < differences.Count; i++)
        {
            double ratio = differences[i - 1] / differences[i];
            Assert.True(ratio is > 3.4 and < 4.6, $"ratio {ratio:F2}; differences {string.Join(", ", differences.Select(e => e.ToString("G3")))}");
        }
    }

    [Fact]
    public void Teleport_EqualsTheClosedFormFromTheSameNoise()
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        using var xT = NoiseSource.ForSamples(4, 0, 10, 3).Next(ScalarType.Float64);
        using var expected = g.Transport(xT, 10.0, 1.5);
        using var teleported = Start.Teleport(g, NoiseSource.ForSamples(4, 0, 10, 3), 10.0, 1.5, ScalarType.Float64);
        Assert.True(MaxError(teleported, expected) == 0);
    }

    [Fact]
    public void GaussianLateStart_DrawsTheExactMarginal()
    {
        // x(t) ~ N(e^{−t} m, e^{−2t} C + Δ_t I): moments within 4 SE (n = 20000).
        using var g = GaussianFlowTransportTests.Gaussian3();
        int n = 20000;
        var grid = TimeGrid.Uniform(10.0, 1e-3, 100);
        using var started = Start.Begin(new StartOptions(StartKind.GaussianLateStart, 0.7), grid, NoiseSource.ForSamples(6, 0, n, 3), gaussian: g, dtype: ScalarType.Float64);
        Assert.Equal(0.7, started.Grid.Start);
        Assert.Equal(grid.End, started.Grid.End);
        GaussianMoments.Assert(started.X, g, 0.7, n);
    }

    [Fact]
    public void GaussianLateStart_ThenHeun_ReproducesTheDataMoments()
    {
        // The exact marginal at t_skip = 1 pushed by the (nearly exact) PF-ODE ends at the data: moments within 4 SE.
        using var g = GaussianFlowTransportTests.Gaussian3();
        int n = 4000;
        var noise = NoiseSource.ForSamples(7, 0, n, 3);
        using var started = Start.Begin(new StartOptions(StartKind.GaussianLateStart, 1.0), TimeGrid.LogSnr(10, 1e-3, 200), noise, gaussian: g, dtype: ScalarType.Float64);
        using var samples = TrajectoryRunner.Run(g, new TrajectoryRequest(SamplerKind.OdeHeun), started.Grid, started.X);
        GaussianMoments.Assert(samples, g, 0.0, n);
    }

    [Theory]
    [InlineData(StartKind.Teleport)]
    [InlineData(StartKind.GaussianLateStart)]
    public void GaussianStarts_DoNotDependOnBatchComposition(StartKind kind)
    {
        using var g = GaussianFlowTransportTests.Gaussian3();
        var grid = TimeGrid.Uniform(10.0, 1e-3, 50);
        var options = new StartOptions(kind, 3.0);
        using var all = Start.Begin(options, grid, NoiseSource.ForSamples(9, 0, 7, 3), gaussian: g, dtype: ScalarType.Float64);
        using var tail = Start.Begin(options, grid, NoiseSource.ForSamples(9, 4, 3, 3), gaussian: g, dtype: ScalarType.Float64);
        Assert.True(MaxError(all.X.narrow(0, 4, 3), tail.X) < 1e-12);
    }

    [Fact]
    public void NoiseAndMarginalStarts_AreTheExistingRules_OnTheWholeGrid()
    {
        // Regression: Begin with Noise / ForwardMarginal returns exactly what FromNoise / FromForwardMarginal return.
        var grid = TimeGrid.Uniform(5.0, 1e-3, 10);
        using var noiseStart = Start.Begin(StartOptions.Noise, grid, NoiseSource.ForSamples(2, 0, 5, 3));
        using var direct = Start.FromNoise(NoiseSource.ForSamples(2, 0, 5, 3));
        Assert.True(torch.equal(noiseStart.X, direct).all().item<bool>());
        Assert.Same(grid, noiseStart.Grid);
        using var a = torch.tensor(new float[,] { { 1, 2, 3 }, { -1, 0, 4 } });
        using var marginal = Start.Begin(new StartOptions(StartKind.ForwardMarginal), grid, NoiseSource.ForSamples(2, 0, 5, 3), trainingSet: a);
        var (expected, indices) = Start.FromForwardMarginal(a, 5.0, NoiseSource.ForSamples(2, 0, 5, 3));
        using (expected) Assert.True(torch.equal(marginal.X, expected).all().item<bool>());
        Assert.Equal(indices, marginal.Indices);
    }

    [Fact]
    public void StartOptions_RoundTripThroughJson()
    {
        foreach (var o in new[] { StartOptions.Noise, new StartOptions(StartKind.ForwardMarginal), new StartOptions(StartKind.Teleport, 2.5), new StartOptions(StartKind.GaussianLateStart, 0.25) })
        {
            string json = JsonSerializer.Serialize(o, RunManifest.JsonOptions);
            Assert.Equal(o, JsonSerializer.Deserialize<StartOptions>(json, RunManifest.JsonOptions));
        }
    }

    [Theory]
    [InlineData(StartKind.Teleport, null)]
    [InlineData(StartKind.Teleport, 1e-3)]      // t_skip = t_min
    [InlineData(StartKind.Teleport, 1e-4)]      // below t_min
    [InlineData(StartKind.GaussianLateStart, 10.5)] // above T
    [InlineData(StartKind.GaussianLateStart, double.NaN)]
    [InlineData(StartKind.GaussianLateStart, -1.0)]
    [InlineData(StartKind.Noise, 2.0)]          // t_skip with a rule that does not use it
    public void BadTimeSkip_ThrowsArgumentExceptionNamingTimeSkip(StartKind kind, double? tSkip)
    {
        var grid = TimeGrid.Uniform(10.0, 1e-3, 20);
        using var g = GaussianFlowTransportTests.Gaussian3();
        var e = Assert.ThrowsAny<ArgumentException>(() => Start.Begin(new StartOptions(kind, tSkip), grid, NoiseSource.ForSamples(0, 0, 2, 3), gaussian: g));
        Assert.Equal("TimeSkip", e.ParamName);
    }

    [Fact]
    public void MissingGaussianOrTrainingSet_OrDimensionMismatch_Throw()
    {
        var grid = TimeGrid.Uniform(10.0, 1e-3, 20);
        var noise = NoiseSource.ForSamples(0, 0, 2, 3);
        Assert.Equal("gaussian", Assert.Throws<ArgumentException>(() => Start.Begin(new StartOptions(StartKind.Teleport, 2.0), grid, noise)).ParamName);
        Assert.Equal("trainingSet", Assert.Throws<ArgumentException>(() => Start.Begin(new StartOptions(StartKind.ForwardMarginal), grid, noise)).ParamName);
        using var g = GaussianFlowTransportTests.Gaussian3();
        var noise2 = NoiseSource.ForSamples(0, 0, 2, 2);
        Assert.Equal("noise", Assert.Throws<ArgumentException>(() => Start.Teleport(g, noise2, 10, 2)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentException>(() => Start.GaussianMarginal(g, 2, noise2)).ParamName);
        Assert.Equal("tSkip", Assert.Throws<ArgumentException>(() => Start.Teleport(g, noise, 2, 3)).ParamName);
        Assert.Equal("t", Assert.ThrowsAny<ArgumentException>(() => Start.GaussianMarginal(g, 0, noise)).ParamName);
    }
}
