using DiffusionDynamics.Random;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Theory;

public class ClassEntropyTests
{
    // Independent Monte-Carlo: y = ±1, q = y μ + √Γ z, posterior log-odds 2μq/Γ, H = E[binary entropy of the posterior].
    private static (double Mean, double Stderr) MonteCarlo(double t, double m, double sigma, int n, long seed)
    {
        double mu = m * Math.Exp(-t), gamma = OuTime.Delta(t) + sigma * sigma * Math.Exp(-2 * t);
        var rng = Xoshiro.ForStream(seed, 0);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double y = (rng.NextUInt64() >> 63) == 0 ? -1 : 1;
            double q = y * mu + Math.Sqrt(gamma) * rng.NextGaussian();
            double l = 2 * mu * q / gamma;
            double p = 1 / (1 + Math.Exp(-l));
            double hb = (p > 0 ? -p * Math.Log(p) : 0) + (p < 1 ? -(1 - p) * Math.Log(1 - p) : 0);
            sum += hb; sumSq += hb * hb;
        }
        double mean = sum / n;
        return (mean, Math.Sqrt((sumSq / n - mean * mean) / n));
    }

    [Theory]
    [InlineData(0.05, 1.0, 0.0)]
    [InlineData(0.5, 1.0, 0.0)]
    [InlineData(1.5, 1.0, 0.0)]
    [InlineData(0.3, 2.0, 0.5)]
    [InlineData(1.0, 3.0, 1.0)]
    [InlineData(2.5, 3.0, 1.0)]
    public void Entropy_Quadrature_MatchesIndependentMonteCarlo_Within4StandardErrors(double t, double m, double sigma)
    {
        var (mc, se) = MonteCarlo(t, m, sigma, 200_000, seed: 11);
        double h = ClassEntropy.Entropy(t, m, sigma);
        Assert.InRange(h, mc - 4 * se - 1e-9, mc + 4 * se + 1e-9);
    }

    [Theory]
    [InlineData(0.1, 1.0, 0.0)]
    [InlineData(0.7, 2.0, 0.5)]
    [InlineData(2.0, 3.0, 1.0)]
    public void Rate_EqualsFiniteDifferenceOfEntropy(double t, double m, double sigma)
    {
        double e = 1e-4;
        double fd = (ClassEntropy.Entropy(t + e, m, sigma) - ClassEntropy.Entropy(t - e, m, sigma)) / (2 * e);
        Assert.Equal(fd, ClassEntropy.Rate(t, m, sigma), 1e-6);
        Assert.True(ClassEntropy.Rate(t, m, sigma) > 0);
        Assert.Equal(ClassEntropy.Rate(t, m, sigma) * OuTime.Delta(t) / 2, ClassEntropy.RatePerLogSnr(t, m, sigma), 12);
    }

    [Fact]
    public void Entropy_Limits_ZeroAtCleanPoints_Ln2AtLargeT()
    {
        Assert.Equal(0, ClassEntropy.Entropy(0, 1, 0));
        Assert.Equal(Math.Log(2), ClassEntropy.Entropy(12, 1, 0), 8);
        Assert.Equal(Math.Log(2), ClassEntropy.Entropy(1, 0, 1), 12);
        Assert.True(ClassEntropy.Entropy(1e-3, 1, 0) < 1e-12);
        Assert.Equal(0.5, ClassEntropy.MutualInformationSlope(0));
    }

    [Fact]
    public void InvalidInputs_ThrowNamingTheValue()
    {
        Assert.Equal("t", Assert.Throws<ArgumentOutOfRangeException>(() => ClassEntropy.Entropy(-1, 1, 0)).ParamName);
        Assert.Equal("meanNorm", Assert.Throws<ArgumentOutOfRangeException>(() => ClassEntropy.Entropy(1, double.NaN, 0)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => ClassEntropy.Rate(1, 1, -1)).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => ClassEntropy.MutualInformationSlope(-1)).ParamName);
    }
}
