using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Theory;

public class CircleEnergyTests
{
    // Independent oracle: I_ν(z) = Σ_k (z/2)^{2k+ν} / (k! (k+ν)!), summed term by term until the terms stop changing the sum.
    private static double BesselSeries(int nu, double z)
    {
        double term = Math.Pow(z / 2, nu) / (nu == 0 ? 1 : 1), sum = 0;
        for (int k = 0; k < 500; k++)
        {
            if (k > 0) term *= (z / 2) * (z / 2) / (k * (double)(k + nu));
            double before = sum;
            sum += term;
            if (sum == before) break;
        }
        return sum;
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    [InlineData(20.0)]
    [InlineData(60.0)]
    public void BesselRatio_EqualsTheRatioOfPowerSeries(double z)
    {
        // All series terms are positive, so the sum is accurate to a few ulps; MathNet's Chebyshev I₀, I₁ are good to ~1e-15.
        double expected = BesselSeries(1, z) / BesselSeries(0, z);
        Assert.Equal(expected, CircleEnergy.BesselRatio(z), 1e-12);
        Assert.Equal(Math.Log(BesselSeries(0, z)), CircleEnergy.LogBesselI0(z), 1e-11);
    }

    [Fact]
    public void LogBesselI0_AsymptoticBranchJoinsTheExactOneAt600()
    {
        // The asymptotic series truncated after 9/(128 z²) errs by O(z⁻³) ≈ 5e-9 at z = 600.
        double exact = Math.Log(MathNet.Numerics.SpecialFunctions.BesselI0(600));
        double asymptotic = 600 - 0.5 * Math.Log(2 * Math.PI * 600) + Math.Log(1 + 0.125 / 600 + 9.0 / (128 * 600.0 * 600));
        Assert.Equal(exact, asymptotic, 1e-7);
        Assert.Equal(CircleEnergy.LogBesselI0(600), CircleEnergy.LogBesselI0(600.000001), 1e-5);
    }

    [Theory]
    [InlineData(1.2)]
    [InlineData(2.0)]
    [InlineData(5.0)]
    [InlineData(50.0)]
    public void MinimumRadius_SolvesR_Equals_I1Over_I0(double beta)
    {
        double r = CircleEnergy.MinimumRadius(beta);
        Assert.InRange(r, 1e-6, 1.0);
        // Bisection to 1e-14 in r; the residual g(R) has slope |g'| ≤ 1, so it is ≤ 1e-13.
        Assert.Equal(r, CircleEnergy.BesselRatio(2 * beta * r), 1e-12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void MinimumRadius_IsTheCentre_AtOrBelowCriticalBeta(double beta) => Assert.Equal(0.0, CircleEnergy.MinimumRadius(beta));

    [Theory]
    [InlineData(1.5)]
    [InlineData(3.0)]
    [InlineData(8.0)]
    public void NumericalMinimumOfTheDiscreteEnergy_ForManyUniformPoints_IsTheBesselRoot(double beta)
    {
        // 2000 evenly spaced points: the angular sum is the trapezoid rule of a periodic analytic integrand, exact to
        // e^{-O(n)}; so the discrete energy's radial profile equals the continuum one to round-off.
        var data = new CircleSpec(2000, Evenly: true).Generate(0).Data;
        using var a = data.ToTensor(ScalarType.Float64);
        double angle = Math.PI / 2000; // between two points
        double E(double r)
        {
            using var x = tensor(new[] { r * Math.Cos(angle), r * Math.Sin(angle) }, [1, 2], ScalarType.Float64);
            return AssociativeMemory.Energy(x, a, beta)[0];
        }
        // Golden-section search on [0.05, 1]: E is smooth with a single minimum there, so r is found to ~√ε·scale ≈ 1e-7
        // (float32 data points, radius 1 ± 6e-8, shift R by ≲ 1e-7 too): tolerance 1e-5.
        double lo = 0.05, hi = 1.0, g = (Math.Sqrt(5) - 1) / 2;
        for (int i = 0; i < 100; i++)
        {
            double c = hi - g * (hi - lo), d = lo + g * (hi - lo);
            if (E(c) < E(d)) hi = d; else lo = c;
        }
        Assert.Equal(CircleEnergy.MinimumRadius(beta), 0.5 * (lo + hi), 1e-5);
        // The continuum profile E(r) has its minimum there too.
        double rr = CircleEnergy.MinimumRadius(beta);
        Assert.True(CircleEnergy.Energy(rr, beta) < CircleEnergy.Energy(rr * 0.99, beta));
        Assert.True(CircleEnergy.Energy(rr, beta) < CircleEnergy.Energy(Math.Min(1, rr * 1.01), beta));
    }

    [Fact]
    public void FixedPointSearchOfTheEmpiricalDenoiser_OnTheUniformCircle_LandsOnTheRingRadius()
    {
        // t = 0.1: β = 1/(2(e^{0.2} − 1)) ≈ 2.26 > 1, kernel std 0.47 ≫ spacing 2π/2000, so the minima form a ring of radius R(β).
        const double t = 0.1;
        var data = new CircleSpec(2000, Evenly: true).Generate(0).Data;
        using var a = data.ToTensor(ScalarType.Float64);
        using var den = new EmpiricalDenoiser(a, new EmpiricalDenoiserOptions(Precision.Float64));
        using var starts = tensor(new[] { 0.3, 0.2, -0.9, 0.4, 0.1, -1.4 }, [3, 2], ScalarType.Float64);
        var set = AssociativeMemory.FindFixedPoints(den, t, starts, a, deltaM: 1e-3, spacing: 2 * Math.PI / 2000,
            new FixedPointOptions(Tolerance: 1e-6, DedupRadius: 1e-3, MaxIterations: 5000));
        double r = CircleEnergy.MinimumRadius(CircleEnergy.BetaFromTime(t));
        Assert.Equal(3, set.Converged);
        // Converged when a step moves < 1e-6 h ≈ 3e-9; with radial contraction rate ρ < 1 the error is ≲ 3e-9/(1 − ρ); float32 data and ρ up to 0.99: tolerance 1e-6.
        Assert.All(set.Points, p => Assert.Equal(r, Math.Sqrt(p.Point[0] * p.Point[0] + p.Point[1] * p.Point[1]), 1e-6));
        Assert.All(set.Points, p => Assert.Equal(FixedPointKind.Spurious, p.Kind)); // R < 1: no training point
    }

    [Fact]
    public void BetaFromTime_RoundTripsAndIsOneAtTheCriticalTime()
    {
        foreach (var t in new[] { 1e-4, 0.01, 0.3, 2.0 })
            Assert.Equal(t, CircleEnergy.TimeFromBeta(CircleEnergy.BetaFromTime(t)), 1e-12);
        Assert.Equal(1.0, CircleEnergy.BetaFromTime(CircleEnergy.CriticalTime), 1e-12);
        Assert.Equal(0.5 / (Math.Exp(0.2) - 1), CircleEnergy.BetaFromTime(0.1), 1e-12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void InvalidTimesAndBetas_Throw_NamingTheValue(double bad)
    {
        Assert.Contains("t", Assert.Throws<ArgumentException>(() => CircleEnergy.BetaFromTime(bad)).Message);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => CircleEnergy.MinimumRadius(bad)).Message);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => CircleEnergy.TimeFromBeta(bad)).Message);
        Assert.Throws<ArgumentException>(() => CircleEnergy.Energy(0.5, bad));
    }
}
