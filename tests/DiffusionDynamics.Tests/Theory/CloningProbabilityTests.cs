using DiffusionDynamics.Random;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Theory;

public class CloningProbabilityTests(ITestOutputHelper output)
{
    // Independent rule and integrand: the quotient form ½∫[G+² + G−²]/[G+ + G−] dq by the trapezoid rule on
    // ±(|m|e^{−t} + 12√Γ_t) with 40 001 nodes (spectrally accurate for this smooth, Gaussian-decaying integrand).
    private static double QuotientForm(double t, double meanNorm, double sigma)
    {
        double mu = meanNorm * Math.Exp(-t), gamma = OuTime.Delta(t) + sigma * sigma * Math.Exp(-2 * t);
        double l = mu + 12 * Math.Sqrt(gamma);
        int nodes = 40001;
        double h = 2 * l / (nodes - 1), sum = 0;
        for (int i = 0; i < nodes; i++)
        {
            double q = -l + i * h;
            double gp = Math.Exp(-(q - mu) * (q - mu) / (2 * gamma)) / Math.Sqrt(2 * Math.PI * gamma);
            double gm = Math.Exp(-(q + mu) * (q + mu) / (2 * gamma)) / Math.Sqrt(2 * Math.PI * gamma);
            double v = gp + gm > 0 ? 0.5 * (gp * gp + gm * gm) / (gp + gm) : 0;
            sum += (i == 0 || i == nodes - 1 ? 0.5 : 1) * v;
        }
        return sum * h;
    }

    [Theory]
    [InlineData(0.1, 3.0, 1.0)]
    [InlineData(1.0, 3.0, 1.0)]
    [InlineData(2.5, 10.0, 0.5)]
    [InlineData(0.05, 1.0, 2.0)]
    [InlineData(3.0, 31.6, 1.0)]
    public void Quadrature_MatchesQuotientFormTrapezoid(double t, double meanNorm, double sigma)
    {
        // Both rules reach ~1e-13; 1e-11 leaves room for the trapezoid's summation rounding (4e4 terms).
        Assert.Equal(QuotientForm(t, meanNorm, sigma), CloningProbability.TwoCluster(t, meanNorm, sigma), 1e-11);
    }

    [Fact]
    public void AtSpeciationTime_ApproachesDimensionIndependentLimit()
    {
        // σ = 1, |m|² = d: reference values from an independent float64 trapezoid of ½ + ½ E tanh(a + √a z),
        // a = d/(d + 1) (Python, 2·10⁵ nodes on [−14, 14]); they agree to 6e-14, so 1e-12 is generous.
        (int d, double phi)[] reference =
        [
            (2, 0.7138272339638578), (10, 0.7602337190728361), (100, 0.7736265026363172), (1000, 0.7750420585047997),
        ];
        foreach (var (d, phi) in reference)
        {
            double value = CloningProbability.AtSpeciationTime(Math.Sqrt(d), 1.0);
            output.WriteLine($"φ(t_S) for d = {d}: {value:R}");
            Assert.Equal(phi, value, 1e-12);
        }
        output.WriteLine($"φ(t_S) for d → ∞: {CloningProbability.LargeDimensionLimitAtSpeciation:R}");
        Assert.Equal(0.7752002453966103, CloningProbability.LargeDimensionLimitAtSpeciation, 1e-12);
        Assert.Equal(CloningProbability.AtSpeciationTime(10, 1), CloningProbability.AtRelativeTime(1.0, 10, 1), 15);
    }

    [Fact]
    public void Limits_OneAtSmallTime_HalfAtLargeTime_DecreasingBetween()
    {
        double m = Math.Sqrt(1000);
        // a_0 = |m|²/σ² = 1000: 1 − φ(0) ~ P(Y < 0) = Φ(−√1000), far below 1e-12.
        Assert.True(CloningProbability.TwoCluster(0, m, 1) > 1 - 1e-12);
        Assert.True(CloningProbability.TwoCluster(1e-6, m, 1) > 1 - 1e-12);
        // φ − ½ = ½ E tanh(Y) ≤ ½ E Y = a/2 with a = |m|²/(e^{2t} − 1 + σ²) → 0.
        double t = 15, a = m * m / (OuTime.ExpM1(2 * t) + 1);
        Assert.InRange(CloningProbability.TwoCluster(t, m, 1) - 0.5, 0, 0.5 * a + 1e-16);
        Assert.Equal(0.5, CloningProbability.FromSnr(0));
        Assert.Equal(1.0, CloningProbability.FromSnr(double.PositiveInfinity));
        double prev = 1.0;
        for (double tau = 0; tau <= 4; tau += 0.05)
        {
            double phi = CloningProbability.AtRelativeTime(tau, m, 1);
            // 1e-15: where φ ≈ 1 its value is a sum of ~10³ rounded terms, which may wobble by a few ulps.
            Assert.True(phi <= prev + 1e-15, $"not decreasing at t/t_S = {tau}");
            prev = phi;
        }
    }

    [Fact]
    public void Quadrature_MatchesSimulatedTwoCloneProcess()
    {
        // 1-D projection q = x·m̂ of the backward SDE of ½N(±m, I): Γ_t = 1, score (μ_t) tanh(μ_t q) − q, μ_t = |m|e^{−t}.
        // Draw q(t) ~ P_t exactly, run two clones to t = 0 by Euler–Maruyama with independent noise, compare signs.
        // |m| = 6: the sign equals the mixture component except with probability Φ(−6) ≈ 1e-9.
        double m = 6, t0 = SpeciationTime.TwoCluster(m, 1.0);
        int pairs = 20000, steps = (int)Math.Ceiling(t0 / 1e-3);
        double h = t0 / steps;
        int same = 0;
        for (int p = 0; p < pairs; p++)
        {
            var rng = Xoshiro.ForStream(31, p);
            double q0 = (rng.NextDouble() < 0.5 ? -1 : 1) * m * Math.Exp(-t0) + rng.NextGaussian();
            double qa = q0, qb = q0;
            for (int k = 0; k < steps; k++)
            {
                double mu = m * Math.Exp(-(t0 - k * h));
                qa += h * (qa + 2 * (mu * Math.Tanh(mu * qa) - qa)) + Math.Sqrt(2 * h) * rng.NextGaussian();
                qb += h * (qb + 2 * (mu * Math.Tanh(mu * qb) - qb)) + Math.Sqrt(2 * h) * rng.NextGaussian();
            }
            if (Math.Sign(qa) == Math.Sign(qb)) same++;
        }
        double phiMc = (double)same / pairs, se = Math.Sqrt(phiMc * (1 - phiMc) / pairs);
        double phi = CloningProbability.TwoCluster(t0, m, 1.0);
        output.WriteLine($"φ(t_S = {t0:F4}) quadrature {phi:R}, simulation {phiMc} ± {se:F4}");
        // 4 standard errors plus 0.005 for the O(h) Euler–Maruyama weak error at h = 1e-3: halving h moved the
        // simulated φ from 0.7726 to 0.7681 (±0.003 each), so no bias is resolvable at this size; quadrature 0.7709.
        Assert.InRange(phi, phiMc - 4 * se - 0.005, phiMc + 4 * se + 0.005);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.ThrowsAny<ArgumentException>(() => CloningProbability.TwoCluster(-1, 1, 1));
        Assert.ThrowsAny<ArgumentException>(() => CloningProbability.TwoCluster(double.NaN, 1, 1));
        Assert.Throws<ArgumentException>(() => CloningProbability.TwoCluster(1, -1, 1));
        Assert.Throws<ArgumentException>(() => CloningProbability.TwoCluster(1, 1, -1));
        Assert.Throws<ArgumentException>(() => CloningProbability.FromSnr(double.NaN));
        Assert.Throws<ArgumentException>(() => CloningProbability.FromSnr(-1));
        Assert.Throws<ArgumentException>(() => CloningProbability.AtSpeciationTime(0.5, 0.5)); // Λ = 0.5 ≤ 1
        Assert.Throws<ArgumentException>(() => CloningProbability.AtRelativeTime(-1, 10, 1));
    }
}
