using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

/// <summary>The fused Euler–Maruyama step (<see cref="SamplerSteps.EulerMaruyamaInPlace"/>) against the out-of-place step it replaces in the runner.</summary>
public class FusedStepTests
{
    /// <summary>The pre-fusion runner loop: D, noise into a buffer, x ← EulerMaruyama(x, D, z) out of place, final D.</summary>
    private static Tensor ReferenceRun(IDenoiser den, TimeGrid grid, Tensor x0, NoiseSource noise)
    {
        using var z = torch.empty(x0.shape, dtype: x0.dtype);
        var state = x0.clone();
        for (int k = 0; k < grid.Steps; k++)
        {
            using var scope = NewDisposeScope();
            var denoised = den.Denoise(state, grid[k]);
            noise.Fill(z);
            var next = SamplerSteps.EulerMaruyama(new StepInput(den, state, denoised, grid[k], grid[k + 1], z, 0), null);
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
        }
        using (state)
            return den.Denoise(state, grid[grid.Steps]);
    }

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void FusedEulerMaruyama_GivesTheSameBits_AsTheOutOfPlaceStep(Precision precision)
    {
        // Empirical score of 300 random points in d = 24 over the regimes grid (uniform + log tail, 60 steps): the fused step must
        // reproduce every bit of the out-of-place one (same float operations in the same order), for float32 and float64 states.
        var dtype = precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        var gen = torch.Generator.Default.manual_seed(7);
        using var data = torch.randn([300, 24], dtype: ScalarType.Float64, generator: gen);
        using var den = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(precision));
        var grid = TimeGrid.UniformWithLogTail(5.0, 1e-3, 60);
        using var x0 = torch.randn([33, 24], dtype: dtype, generator: gen);

        using var reference = ReferenceRun(den, grid, x0, NoiseSource.ForSamples(11, 0, 33, 24));
        using var fused = TrajectoryRunner.Run(den, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x0, NoiseSource.ForSamples(11, 0, 33, 24));

        Assert.Equal(dtype, fused.dtype);
        Assert.True(reference.eq(fused).all().item<bool>(), $"max |Δ| = {(reference - fused).abs().max().to_type(ScalarType.Float64).item<double>():G3}");
        Assert.True(reference.isfinite().all().item<bool>());
    }

    [Fact]
    public void FusedStep_IsSkipped_WhenTheDenoiserReturnsItsInput()
    {
        // A denoiser whose output aliases x (D = x) must not be overwritten in place: the runner falls back to the out-of-place step,
        // so the result equals the reference loop bit for bit.
        var den = new AliasingDenoiser(8);
        var grid = TimeGrid.Uniform(2.0, 0.01, 25);
        using var x0 = torch.randn([5, 8], generator: torch.Generator.Default.manual_seed(3));
        using var reference = ReferenceRun(den, grid, x0, NoiseSource.ForSamples(2, 0, 5, 8));
        using var fused = TrajectoryRunner.Run(den, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid, x0, NoiseSource.ForSamples(2, 0, 5, 8));
        Assert.True(reference.eq(fused).all().item<bool>());
    }

    private sealed class AliasingDenoiser(int dimension) : IDenoiser
    {
        public int Dimension => dimension;
        public Tensor Denoise(Tensor x, double t) => x.alias();
    }
}
