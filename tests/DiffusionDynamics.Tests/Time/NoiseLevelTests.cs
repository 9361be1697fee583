using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class NoiseLevelTests
{
    public static readonly TheoryData<double> Times = new() { 1e-10, 1e-6, 1e-3, 0.1, 1.0, 5.0, 50.0, 300.0 };

    [Theory]
    [MemberData(nameof(Times))]
    public void EdmSigma_RoundTripsAndMatchesAlphaBar(double t)
    {
        double sigma = EdmSigma.FromTime(t);
        // expm1 and log1p keep full relative accuracy: round trip within a few ulps.
        Assert.Equal(t, EdmSigma.ToTime(sigma), 1e-14 * t);
        if (t < 20)
        {
            double ab = Math.Exp(-2 * t);
            Assert.Equal((1 - ab) / ab, sigma * sigma, 1e-9 * sigma * sigma + 1e-15); // naive formula loses digits at small t
        }
        Assert.Equal(Math.Exp(-t), EdmSigma.Scale(t), 1e-15);
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void LogSnr_RoundTripsAndMatchesDefinition(double t)
    {
        double lambda = LogSnr.FromTime(t);
        Assert.Equal(t, LogSnr.ToTime(lambda), 1e-14 * t);
        // λ = −2 ln σ.
        Assert.Equal(-2 * Math.Log(EdmSigma.FromTime(t)), lambda, 1e-13 * Math.Max(1, Math.Abs(lambda)));
    }

    [Fact]
    public void LogSnr_DecreasesInTime()
    {
        double prev = double.PositiveInfinity;
        for (double t = 1e-4; t < 20; t *= 1.3)
        {
            double l = LogSnr.FromTime(t);
            Assert.True(l < prev);
            prev = l;
        }
    }

    [Fact]
    public void OuHelpers_AreAccurate()
    {
        Assert.Equal(1e-20, OuTime.Log1P(1e-20));
        Assert.Equal(Math.Log(2), OuTime.Log1P(1.0), 15);
        Assert.Equal(1e-12 - 0.5e-24, OuTime.Log1P(1e-12), 1e-28);
        Assert.Equal(800.0, OuTime.Softplus(800.0));
        Assert.Equal(Math.Exp(-800.0), OuTime.Softplus(-800.0));
        Assert.Equal(2e-12 - 2e-24, OuTime.Delta(1e-12), 1e-27); // Taylor: 2t − 2t²
        Assert.Equal(0.25, OuTime.FromAlphaBar(Math.Exp(-0.5)), 15);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => EdmSigma.FromTime(-1));
        Assert.ThrowsAny<ArgumentException>(() => EdmSigma.ToTime(double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => EdmSigma.ToTime(-0.1));
        Assert.ThrowsAny<ArgumentException>(() => LogSnr.FromTime(0));
        Assert.ThrowsAny<ArgumentException>(() => LogSnr.ToTime(double.PositiveInfinity));
        Assert.ThrowsAny<ArgumentException>(() => OuTime.FromAlphaBar(0));
    }
}
