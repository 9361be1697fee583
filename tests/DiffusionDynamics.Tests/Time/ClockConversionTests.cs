using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class ClockConversionTests
{
    public static TheoryData<Clock, double> RoundTrips()
    {
        var data = new TheoryData<Clock, double>();
        foreach (double t in new[] { 0.01, 0.1, 0.5, 1.0, 2.5, 4.9 })
            foreach (Clock c in Enum.GetValues<Clock>())
                data.Add(c, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void OuTimeRoundTripsThroughEveryClock(Clock clock, double t)
    {
        double v = clock.FromOuTime(t);
        // All maps are monotone with derivative of order 1 (or interpolation in t): relative 1e-12.
        Assert.Equal(t, clock.ToOuTime(v), 1e-12 * t);
    }

    [Fact]
    public void ClocksAgreeOnKnownPoints()
    {
        Assert.Equal(DdpmLinearSchedule.Default.Time(499), Clock.DdpmLinear.ToOuTime(499));
        Assert.Equal(CosineSchedule.Default.Time(10), Clock.DdpmCosine.ToOuTime(10));
        Assert.Equal(5.025, Clock.VpSde.ToOuTime(1.0), 14);
        Assert.Equal(0.5 * Math.Log(2), Clock.Edm.ToOuTime(1.0), 15);
        Assert.Equal(3.0, Clock.Ou.ToOuTime(3.0));
    }

    [Fact]
    public void ClockValuesIncreaseWithOuTime()
    {
        foreach (Clock c in Enum.GetValues<Clock>())
        {
            double prev = -1;
            for (double t = 0.01; t < 4.9; t += 0.07)
            {
                double v = c.FromOuTime(t);
                Assert.True(v > prev, $"{c} not increasing at t = {t}");
                prev = v;
            }
        }
    }

    [Fact]
    public void OutOfRangeValues_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => Clock.Ou.ToOuTime(-1));
        Assert.ThrowsAny<ArgumentException>(() => Clock.DdpmLinear.ToOuTime(1000));
        Assert.ThrowsAny<ArgumentException>(() => Clock.VpSde.FromOuTime(6));
        Assert.ThrowsAny<ArgumentException>(() => Clock.Edm.ToOuTime(double.NaN));
        Assert.ThrowsAny<ArgumentException>(() => ((Clock)42).ToOuTime(1));
    }
}
