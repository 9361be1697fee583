using DiffusionDynamics.Random;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Theory;

public class ExcessEntropyTests(ITestOutputHelper output)
{
    // Monte-Carlo f̂(t) = α + ½ + ½ ln(2πΔ_t) + (1/d)·mean ln P_t(x), x ~ P_t, with its standard error.
    private static (double f, double se) MonteCarlo(int n, int d, double t, int samples, ulong seed,
        Func<Xoshiro, double[]> sample, Func<double[], double> logDensity)
    {
        var rng = new Xoshiro(seed);
        double sum = 0, sum2 = 0;
        for (int i = 0; i < samples; i++)
        {
            double l = logDensity(sample(rng)) / d;
            sum += l;
            sum2 += l * l;
        }
        double mean = sum / samples, var = sum2 / samples - mean * mean;
        double f = ExcessEntropy.Alpha(n, d) + 0.5 + 0.5 * Math.Log(2 * Math.PI * OuTime.Delta(t)) + mean;
        return (f, Math.Sqrt(var / samples));
    }

    [Fact]
    public void Anisotropic_ClosedFormMatchesMonteCarlo()
    {
        int n = 1000;
        double t = 0.3;
        double[] lambdas = [4.0, 1.0, 0.25, 0.01];
        int d = lambdas.Length;
        double decay = Math.Exp(-t), delta = OuTime.Delta(t);
        var gamma = lambdas.Select(l => decay * decay * l + delta).ToArray();
        var (f, se) = MonteCarlo(n, d, t, 40000, 11,
            rng => lambdas.Select(l => decay * Math.Sqrt(l) * rng.NextGaussian() + Math.Sqrt(delta) * rng.NextGaussian()).ToArray(),
            x => x.Select((xi, k) => -0.5 * Math.Log(2 * Math.PI * gamma[k]) - xi * xi / (2 * gamma[k])).Sum());
        double exact = ExcessEntropy.Anisotropic(t, n, d, lambdas);
        output.WriteLine($"anisotropic f({t}) = {exact:R}, MC {f:R} ± {se:E2}");
        Assert.InRange(exact, f - 4 * se, f + 4 * se); // 4 standard errors, fixed seed
    }

    [Fact]
    public void Gaussian_ClosedFormMatchesMonteCarlo()
    {
        int n = 1000, d = 10;
        double t = 0.2, sigma = 1.5;
        double decay = Math.Exp(-t), delta = OuTime.Delta(t), gamma = delta + sigma * sigma * decay * decay;
        var (f, se) = MonteCarlo(n, d, t, 20000, 12,
            rng => Enumerable.Range(0, d).Select(_ => decay * sigma * rng.NextGaussian() + Math.Sqrt(delta) * rng.NextGaussian()).ToArray(),
            x => x.Sum(xi => -0.5 * Math.Log(2 * Math.PI * gamma) - xi * xi / (2 * gamma)));
        double exact = ExcessEntropy.Gaussian(t, n, d, sigma);
        output.WriteLine($"gaussian f({t}) = {exact:R}, MC {f:R} ± {se:E2}");
        Assert.InRange(exact, f - 4 * se, f + 4 * se);
    }

    [Theory]
    [InlineData(0.4, 2.0, 0.7)]
    [InlineData(0.1, 3.0, 1.0)]
    [InlineData(1.0, 1.0, 0.5)]
    public void TwoCluster_ClosedFormMatchesMonteCarlo(double t, double meanNorm, double sigma)
    {
        // ½N(±m, σ²I) in d = 5 with m along the first axis: P_t = ½N(±m e^{−t}, Γ_t I), evaluated by log-sum-exp.
        int n = 500, d = 5;
        double decay = Math.Exp(-t), delta = OuTime.Delta(t), gamma = delta + sigma * sigma * decay * decay;
        double mt = meanNorm * decay;
        var (f, se) = MonteCarlo(n, d, t, 40000, 13,
            rng =>
            {
                double sign = rng.NextDouble() < 0.5 ? -1 : 1;
                var x = new double[d];
                for (int j = 0; j < d; j++)
                    x[j] = decay * ((j == 0 ? sign * meanNorm : 0) + sigma * rng.NextGaussian()) + Math.Sqrt(delta) * rng.NextGaussian();
                return x;
            },
            x =>
            {
                double rest = x.Skip(1).Sum(xi => xi * xi);
                double lp = -(x[0] - mt) * (x[0] - mt) / (2 * gamma), lm = -(x[0] + mt) * (x[0] + mt) / (2 * gamma);
                double mx = Math.Max(lp, lm);
                return -0.5 * d * Math.Log(2 * Math.PI * gamma) - rest / (2 * gamma) + mx + Math.Log(0.5 * (Math.Exp(lp - mx) + Math.Exp(lm - mx)));
            });
        double exact = ExcessEntropy.TwoCluster(t, n, d, meanNorm, sigma);
        output.WriteLine($"two-cluster f({t}; |m|={meanNorm}, σ={sigma}) = {exact:R}, MC {f:R} ± {se:E2}");
        Assert.InRange(exact, f - 4 * se, f + 4 * se);
    }

    [Fact]
    public void GaussianCollapseTime_MatchesExactCase()
    {
        // n^{2/d} = 2 for n = 32, d = 10: t_C = ½ ln(1 + σ²).
        Assert.Equal(0.5 * Math.Log(1 + 2.25), ExcessEntropy.GaussianCollapseTime(32, 10, 1.5), 15);
        Assert.Equal(0.0, ExcessEntropy.GaussianCollapseTime(32, 10, 0.0));
        // Large d: n^{2/d} − 1 ≈ 2 ln n / d; expm1 keeps it accurate.
        double tc = ExcessEntropy.GaussianCollapseTime(60000, 1_000_000, 1.0);
        Assert.Equal(0.5 * Math.Log(1 + 1 / OuTime.ExpM1(2 * Math.Log(60000) / 1e6)), tc, 14);
    }

    [Fact]
    public void ExcessEntropyVanishesAtCollapseTime_AndIncreases()
    {
        int n = 5000, d = 8;
        double[] spectrum = [3.0, 2.0, 1.0, 0.5, 0.1];
        double tG = ExcessEntropy.GaussianCollapseTime(n, d, 1.2);
        double tA = ExcessEntropy.AnisotropicCollapseTime(n, d, spectrum);
        double t2 = ExcessEntropy.TwoClusterCollapseTime(n, d, 2.0, 1.2);
        output.WriteLine($"t_C: gaussian {tG:R}, anisotropic {tA:R}, two-cluster {t2:R}");
        // At the root f changes sign within a few ulps of t; |f'| is O(1), so |f(t_C)| ≲ 1e-14
        // (two-cluster: quadrature error of g, relative 1e-14, divided by d).
        Assert.Equal(0.0, ExcessEntropy.Gaussian(tG, n, d, 1.2), 14);
        Assert.Equal(0.0, ExcessEntropy.Anisotropic(tA, n, d, spectrum), 14);
        Assert.Equal(0.0, ExcessEntropy.TwoCluster(t2, n, d, 2.0, 1.2), 13);
        // The mixture collapses later (larger t_C) than a single Gaussian of the same σ: f_2c ≤ f_G.
        Assert.True(t2 > tG);
        foreach (Func<double, double> f in new Func<double, double>[]
                 {
                     t => ExcessEntropy.Gaussian(t, n, d, 1.2),
                     t => ExcessEntropy.Anisotropic(t, n, d, spectrum),
                     t => ExcessEntropy.TwoCluster(t, n, d, 2.0, 1.2),
                 })
        {
            double prev = double.NegativeInfinity;
            for (double t = 1e-4; t < 20; t *= 1.1)
            {
                double v = f(t);
                // Strict while f − α ~ e^{−2t} is resolvable in double precision, non-decreasing after.
                Assert.True(t < 5 ? v > prev : v >= prev, $"not increasing at t = {t}");
                prev = v;
            }
            Assert.Equal(ExcessEntropy.Alpha(n, d), f(40), 12); // f → α as t → ∞
        }
    }

    [Fact]
    public void AnisotropicWithEqualEigenvalues_IsGaussian()
    {
        var spectrum = Enumerable.Repeat(0.8, 6).ToArray();
        Assert.Equal(ExcessEntropy.Gaussian(0.3, 100, 6, Math.Sqrt(0.8)), ExcessEntropy.Anisotropic(0.3, 100, 6, spectrum), 14);
        Assert.Equal(ExcessEntropy.GaussianCollapseTime(100, 6, Math.Sqrt(0.8)), ExcessEntropy.AnisotropicCollapseTime(100, 6, spectrum), 14);
    }

    [Fact]
    public void TwoCluster_ReducesToGaussianAsMeanVanishes()
    {
        Assert.Equal(ExcessEntropy.Gaussian(0.5, 100, 4, 1.0), ExcessEntropy.TwoCluster(0.5, 100, 4, 0.0, 1.0));
        foreach (double m in new[] { 1e-3, 1e-2, 0.1 })
        {
            double a = m * m / (OuTime.ExpM1(1.0) + 1.0);
            double diff = ExcessEntropy.Gaussian(0.5, 100, 4, 1.0) - ExcessEntropy.TwoCluster(0.5, 100, 4, m, 1.0);
            // diff = g(a)/d with 0 ≤ g(a) ≤ ½ ln(1 + a) (Gaussian-channel bound); 1e-15 for rounding.
            Assert.InRange(diff, -1e-15, 0.5 * Math.Log(1 + a) / 4 + 1e-15);
        }
    }

    [Fact]
    public void MutualInformation_HasItsLimitsAndBounds()
    {
        Assert.Equal(0.0, ExcessEntropy.TwoClusterMutualInformation(0));
        Assert.Equal(Math.Log(2), ExcessEntropy.TwoClusterMutualInformation(1e4), 14);
        double prev = 0;
        foreach (double a in new[] { 1e-6, 1e-3, 0.1, 1, 3, 10, 30 })
        {
            double g = ExcessEntropy.TwoClusterMutualInformation(a);
            Assert.True(g > prev);
            Assert.True(g <= Math.Min(0.5 * OuTime.Log1P(a), Math.Log(2)) + 1e-15);
            prev = g;
        }
        // Small-a expansion g = a/2 − a²/4 + a³/6 + O(a⁴): at a = 1e-4 the remainder is ~1e-16, below the
        // rounding of the O(1) pieces g is assembled from (~1e-15).
        double a4 = 1e-4;
        Assert.Equal(a4 / 2 - a4 * a4 / 4 + a4 * a4 * a4 / 6, ExcessEntropy.TwoClusterMutualInformation(a4), 1e-14);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Alpha(0, 3));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Alpha(3, 0));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropy.Gaussian(0, 10, 3, 1));
        Assert.ThrowsAny<ArgumentException>(() => ExcessEntropy.Gaussian(double.NaN, 10, 3, 1));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Gaussian(1, 10, 3, -1));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Gaussian(1, 10, 3, double.NaN));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.GaussianCollapseTime(1, 3, 1));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Anisotropic(1, 10, 2, [1.0, 2.0, 3.0]));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Anisotropic(1, 10, 2, [1.0, -2.0]));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.Anisotropic(1, 10, 2, []));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.TwoCluster(1, 10, 3, -1, 1));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.TwoClusterCollapseTime(10, 3, 1, 0));
        Assert.Throws<ArgumentException>(() => ExcessEntropy.TwoClusterMutualInformation(double.NaN));
    }
}
