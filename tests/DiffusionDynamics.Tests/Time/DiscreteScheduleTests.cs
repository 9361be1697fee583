using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class DiscreteScheduleTests
{
    [Fact]
    public void DdpmLinear_MatchesPublishedSanityValues()
    {
        var s = DdpmLinearSchedule.Default;
        Assert.Equal(1000, s.Steps);
        // ᾱ_0 = 1 − β_0 exactly up to rounding of one product.
        Assert.Equal(0.9999, s.AlphaBar(0), 15);
        // Reference values from a plain float64 cumulative product (Python), 0.07858724288177821 and
        // 4.0358297653756754e-05; the two products differ only by rounding order (~1e3 ulps at most).
        Assert.Equal(0.07858724288177821, s.AlphaBar(499), 1e-12 * 0.0786);
        Assert.Equal(4.0358297653756754e-05, s.AlphaBar(999), 1e-12 * 4.04e-5);
        Assert.Equal(0.078587, s.AlphaBar(499), 6);
        Assert.Equal(-0.5 * Math.Log(s.AlphaBar(999)), s.Time(999), 12);
    }

    [Fact]
    public void Cosine_MatchesReferenceImplementationWithClipping()
    {
        var s = CosineSchedule.Default;
        // Values from the improved-diffusion recipe β_k = min(1 − ᾱ((k+1)/K)/ᾱ(k/K), 0.999) in float64 (Python);
        // 1e-10 relative covers the cancellation in 1 − ratio of that reference (our β avoids it).
        Assert.Equal(0.999958715775178, s.AlphaBar(0), 1e-10);
        Assert.Equal(0.4938435904406382, s.AlphaBar(499), 1e-10 * 0.49);
        Assert.Equal(2.4287669070348567e-09, s.AlphaBar(999), 1e-8 * 2.43e-9);
        // Only the last step is clipped; elsewhere ᾱ_k equals the continuous ᾱ((k+1)/K).
        Assert.Equal(0.999, s.Beta(999));
        Assert.True(s.Beta(998) < 0.999);
        Assert.Equal(CosineSchedule.AlphaBar(0.5), s.AlphaBar(499), 1e-12);
    }

    [Theory]
    [InlineData(10, 1e-4, 0.02)]
    [InlineData(1000, 1e-4, 0.02)]
    [InlineData(4000, 1e-5, 0.01)]
    public void Times_AreStrictlyIncreasing(int k, double b0, double b1)
    {
        var s = DdpmLinearSchedule.Create(k, b0, b1);
        for (int i = 1; i < s.Steps; i++) Assert.True(s.Time(i) > s.Time(i - 1));
        var c = CosineSchedule.Create(k);
        for (int i = 1; i < c.Steps; i++) Assert.True(c.Time(i) > c.Time(i - 1));
    }

    [Fact]
    public void FractionalStep_IsExactOnTableAndInvertsTimeAt()
    {
        foreach (var s in new[] { DdpmLinearSchedule.Default, CosineSchedule.Default })
        {
            for (int k = 0; k < s.Steps; k += 37)
                Assert.Equal(k, s.FractionalStep(s.Time(k)));
            Assert.Equal(s.Steps - 1, s.FractionalStep(s.MaxTime));
            foreach (double kappa in new[] { 0.25, 10.5, 499.9, 998.01 })
            {
                double t = s.TimeAt(kappa);
                // Linear interpolation both ways: the round trip loses only a few ulps of κ.
                Assert.Equal(kappa, s.FractionalStep(t), 1e-12 * 1000);
                Assert.Equal(t, s.TimeAt(s.FractionalStep(t)), Math.Abs(t) * 1e-12);
            }
        }
    }

    [Fact]
    public void NearestStep_RoundsAndClamps()
    {
        var s = DdpmLinearSchedule.Default;
        Assert.Equal(0, s.NearestStep(0.0));
        Assert.Equal(999, s.NearestStep(100.0));
        Assert.Equal(500, s.NearestStep(s.Time(500)));
        Assert.Equal(500, s.NearestStep(s.TimeAt(500.4)));
        Assert.Equal(501, s.NearestStep(s.TimeAt(500.6)));
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentException>(() => DdpmLinearSchedule.Create(0));
        Assert.Throws<ArgumentException>(() => DdpmLinearSchedule.Create(10, 0, 0.02));
        Assert.Throws<ArgumentException>(() => DdpmLinearSchedule.Create(10, 1e-4, 1.0));
        Assert.Throws<ArgumentException>(() => DdpmLinearSchedule.Create(10, double.NaN, 0.02));
        Assert.Throws<ArgumentException>(() => CosineSchedule.Create(10, s: -1));
        Assert.Throws<ArgumentException>(() => new DiscreteSchedule([0.1, 1.5]));
        var s = DdpmLinearSchedule.Default;
        Assert.Throws<ArgumentOutOfRangeException>(() => s.AlphaBar(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.AlphaBar(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.FractionalStep(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.FractionalStep(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.TimeAt(999.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.NearestStep(-1));
    }

    [Fact]
    public void ContinuousCosine_RoundTrips()
    {
        foreach (double u in new[] { 0.0, 1e-6, 0.1, 0.5, 0.9, 0.999 })
        {
            double t = CosineSchedule.TimeOf(u);
            // The atan2 form is well conditioned down to t = 0, where u = 0 comes back up to the
            // rounding of (1+s)(2/π)θ₀ − s, ~1e-17 absolute.
            Assert.Equal(u, CosineSchedule.FromTime(t), 1e-12 * Math.Max(u, 1e-4));
            // The naive −½ ln ᾱ(u) is only accurate to ~1e-16 absolute at small u (ln of a ratio near 1), and
            // near u → 1 both forms amplify the rounding of θ by 1/cos θ (~700 at u = 0.999): 1e-14 + 1e-12·t.
            Assert.Equal(-0.5 * Math.Log(CosineSchedule.AlphaBar(u)), t, 1e-14 + 1e-12 * t);
        }
    }
}
