using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class VpSdeTests
{
    [Fact]
    public void AlphaBar_MatchesTheIntegratedBeta()
    {
        var sde = VpSde.Default;
        // ᾱ(s) = exp(−∫₀ˢ β) with the integral done by hand: ½ s² Δβ + s β_min.
        foreach (double s in new[] { 0.0, 0.1, 0.5, 1.0 })
            Assert.Equal(Math.Exp(-0.5 * s * s * 19.9 - s * 0.1), sde.AlphaBar(s), 1e-15);
        Assert.Equal(5.025, sde.MaxTime, 14);
        Assert.Equal(10.05, sde.Beta(0.5), 14);
    }

    [Theory]
    [InlineData(0.1, 20)]
    [InlineData(0.0, 20)]
    [InlineData(1.0, 1.0)]
    public void FromTime_InvertsTimeOf(double bMin, double bMax)
    {
        var sde = new VpSde(bMin, bMax);
        foreach (double s in new[] { 1e-9, 1e-4, 0.01, 0.3, 0.77, 1.0 })
        {
            double t = sde.TimeOf(s);
            // Cancellation-free root: relative error a few ulps.
            Assert.Equal(s, sde.FromTime(t), 1e-13 * s);
        }
        Assert.Equal(0.0, sde.FromTime(0.0));
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentException>(() => new VpSde(-0.1, 20));
        Assert.Throws<ArgumentException>(() => new VpSde(1, 0.5));
        Assert.Throws<ArgumentException>(() => new VpSde(0.1, double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => VpSde.Default.TimeOf(1.1));
        Assert.ThrowsAny<ArgumentException>(() => VpSde.Default.FromTime(6.0));
        Assert.ThrowsAny<ArgumentException>(() => VpSde.Default.FromTime(-1e-3));
    }
}
