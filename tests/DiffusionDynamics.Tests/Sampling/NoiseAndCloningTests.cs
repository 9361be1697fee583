using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Sampling;

public class NoiseAndCloningTests
{
    [Fact]
    public void Noise_IsStandardNormal_WithinStatisticalBounds()
    {
        var n = NoiseSource.ForSamples(11, 0, 64, 783); // odd d exercises the unpaired last coordinate
        using var z = n.Next(ScalarType.Float64);
        long count = z.numel();
        double mean = z.mean().item<double>(), var = z.var().item<double>();
        double kurt = (z.pow(4).mean().item<double>());
        Assert.True(Math.Abs(mean) < 4 / Math.Sqrt(count), $"mean {mean}");
        Assert.True(Math.Abs(var - 1) < 4 * Math.Sqrt(2.0 / count), $"var {var}");
        Assert.True(Math.Abs(kurt - 3) < 4 * Math.Sqrt(96.0 / count), $"E z^4 {kurt}"); // Var(z⁴) = 105 − 9 = 96
        // Rows are not correlated with each other (neighbour rows use different streams).
        double corr = (z.narrow(0, 0, 32) * z.narrow(0, 32, 32)).mean().item<double>();
        Assert.True(Math.Abs(corr) < 4 / Math.Sqrt(32 * 783.0));
    }

    [Fact]
    public void Float32AndFloat64Fills_CarryTheSameDraws()
    {
        // The float32 path writes straight into the tensor's memory; the float64 path converts: same numbers.
        using var a = NoiseSource.ForSamples(21, 0, 300, 257).Next(ScalarType.Float32);
        using var b = NoiseSource.ForSamples(21, 0, 300, 257).Next(ScalarType.Float64);
        Assert.True(torch.equal(a.to_type(ScalarType.Float64), b).all().item<bool>());
        using var strided = torch.zeros(257, 300).t(); // non-contiguous destination takes the copy path
        NoiseSource.ForSamples(21, 0, 300, 257).Fill(strided);
        Assert.True(torch.equal(strided, a).all().item<bool>());
    }

    [Fact]
    public void Branch_GivesEachCloneAnIndependentStream()
    {
        var parent = NoiseSource.ForSamples(12, 0, 3, 50);
        var clones = parent.Branch(2);
        Assert.Equal(6, clones.Batch);
        using var z = clones.Next(ScalarType.Float64);
        Assert.False(z[0].allclose(z[1]));
        var again = NoiseSource.ForSamples(12, 0, 3, 50).Branch(2);
        using var z2 = again.Next(ScalarType.Float64);
        Assert.True(torch.equal(z, z2).all().item<bool>());
    }
}
