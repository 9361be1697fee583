using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class RingScoreTests
{
    // ln P_t(x) by quadrature of (1/2π)∫ N(x; m u(θ), σ²I) dθ (trapezoid on 4000 angles: spectrally accurate for a periodic integrand).
    private static double LogDensity(RingScore ring, double[] x, double t)
    {
        var (m, s2) = ring.Moments(t);
        double sum = 0;
        const int n = 4000;
        for (int i = 0; i < n; i++)
        {
            double th = 2 * Math.PI * i / n, dx = x[0] - m * Math.Cos(th), dy = x[1] - m * Math.Sin(th);
            sum += Math.Exp(-(dx * dx + dy * dy) / (2 * s2));
        }
        return Math.Log(sum / n / (2 * Math.PI * s2));
    }

    [Theory]
    [InlineData(0.05, 0.9, 0.3)]
    [InlineData(0.5, 0.2, -0.1)]
    [InlineData(2.0, 1.5, 0.5)]
    [InlineData(0.3, 1e-9, 0.0)]
    public void Score_IsTheGradientOfTheQuadratureLogDensity_AndTheJacobianItsDerivative(double t, double x0, double x1)
    {
        var ring = new RingScore(1, 0.1);
        double[] x = [x0, x1];
        var score = new double[2];
        var jv = new double[2];
        const double h = 1e-5;
        for (int c = 0; c < 2; c++)
        {
            var plus = (double[])x.Clone(); plus[c] += h;
            var minus = (double[])x.Clone(); minus[c] -= h;
            double fd = (LogDensity(ring, plus, t) - LogDensity(ring, minus, t)) / (2 * h);
            ring.Evaluate(x, t, score, ReadOnlySpan<double>.Empty, Span<double>.Empty);
            Assert.Equal(fd, score[c], 1e-6 * (1 + Math.Abs(fd)));
            // J e_c against central differences of the score.
            var sp = new double[2]; var sm = new double[2];
            ring.Evaluate(plus, t, sp, ReadOnlySpan<double>.Empty, Span<double>.Empty);
            ring.Evaluate(minus, t, sm, ReadOnlySpan<double>.Empty, Span<double>.Empty);
            var e = new double[2]; e[c] = 1;
            ring.Evaluate(x, t, score, e, jv);
            for (int r = 0; r < 2; r++) Assert.Equal((sp[r] - sm[r]) / (2 * h), jv[r], 1e-4 * (1 + Math.Abs(jv[r])));
        }
    }

    [Fact]
    public void BesselRatio_IsStableForLargeArguments()
    {
        Assert.Equal(0, RingScore.BesselRatio(0));
        Assert.Equal(1 - 1 / 2000.0 - 1 / (8 * 1e6), RingScore.BesselRatio(1000), 1e-9);
    }
}

public class LeastActionClosedFormsTests
{
    [Fact]
    public void OuPath_SolvesTheEulerLagrangeEquation_WithTheGivenEnds_AndConstantEnergy()
    {
        double[] x0 = [1.0, -0.3], xT = [0.4, 0.9];
        const double T = 1.7;
        Assert.Equal(x0, LeastActionClosedForms.OuPath(x0, xT, T, 0), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(xT, LeastActionClosedForms.OuPath(x0, xT, T, T), (a, b) => Math.Abs(a - b) < 1e-12);
        const double h = 1e-4;
        foreach (double s in new[] { 0.3, 0.9, 1.4 })
        {
            var (m, c, p) = (LeastActionClosedForms.OuPath(x0, xT, T, s - h), LeastActionClosedForms.OuPath(x0, xT, T, s), LeastActionClosedForms.OuPath(x0, xT, T, s + h));
            for (int i = 0; i < 2; i++) Assert.Equal(c[i], (p[i] - 2 * c[i] + m[i]) / (h * h), 1e-5);          // ẍ = x
            double e = Enumerable.Range(0, 2).Sum(i => Math.Pow((p[i] - m[i]) / (2 * h), 2) - c[i] * c[i]) / 4;
            Assert.Equal(LeastActionClosedForms.OuEnergy(x0, xT, T), e, 1e-7);
        }
        // Action by Simpson quadrature of |ẋ + x|²/4.
        int n = 2000;
        double sum = 0;
        for (int k = 0; k <= n; k++)
        {
            double s = T * k / n, w = k == 0 || k == n ? 1 : k % 2 == 1 ? 4 : 2;
            var x = LeastActionClosedForms.OuPath(x0, xT, T, s);
            var xp = LeastActionClosedForms.OuPath(x0, xT, T, Math.Min(T, s + h));
            var xm = LeastActionClosedForms.OuPath(x0, xT, T, Math.Max(0, s - h));
            double dt = Math.Min(T, s + h) - Math.Max(0, s - h);
            sum += w * Enumerable.Range(0, 2).Sum(i => Math.Pow((xp[i] - xm[i]) / dt + x[i], 2)) / 4;
        }
        Assert.Equal(LeastActionClosedForms.OuAction(x0, xT, T), sum * T / n / 3, 1e-6);
    }
}
