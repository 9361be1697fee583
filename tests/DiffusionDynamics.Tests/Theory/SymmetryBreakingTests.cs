using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Theory;

public class SymmetryBreakingTests
{
    [Fact]
    public void TwoPoints_Sde_CriticalAlphaBar_IsSqrt2MinusOne_TheRootOfTheQuartic()
    {
        double u = SymmetryBreaking.CriticalAlphaBar(ReverseDrift.Sde);
        Assert.Equal(Math.Sqrt(2) - 1, u, 1e-15);
        Assert.Equal(0, u * u + 2 * u - 1, 1e-15);
        Assert.Equal(-0.5 * Math.Log(Math.Sqrt(2) - 1), SymmetryBreaking.CriticalTime(ReverseDrift.Sde), 1e-15);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.44)]
    [InlineData(1.3)]
    public void TwoPoints_Sde_CentreSlope_EqualsTheQuarticOverDeltaSquared(double t)
    {
        double th2 = OuTime.AlphaBar(t), delta = OuTime.Delta(t);
        Assert.Equal((th2 * th2 + 2 * th2 - 1) / (delta * delta), SymmetryBreaking.CentreSlope(ReverseDrift.Sde, t), 1e-12);
    }

    // PF-ODE counterpart for two points ±1: f′(0) = 1 − 1/Δ + θ²/Δ² = θ⁴/Δ² > 0 at every t, critical θ² = 0 (t = ∞).
    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    [InlineData(5.0)]
    public void TwoPoints_Ode_CentreIsUnstableAtEveryTime_SlopeThetaFourOverDeltaSquared(double t)
    {
        double th2 = OuTime.AlphaBar(t), delta = OuTime.Delta(t);
        double slope = SymmetryBreaking.CentreSlope(ReverseDrift.ProbabilityFlow, t);
        Assert.Equal(th2 * th2 / (delta * delta), slope, 1e-12 * Math.Max(1, slope));
        Assert.True(slope > 0);
        Assert.Equal(0.0, SymmetryBreaking.CriticalAlphaBar(ReverseDrift.ProbabilityFlow));
        Assert.Equal(double.PositiveInfinity, SymmetryBreaking.CriticalTime(ReverseDrift.ProbabilityFlow));
    }

    // The closed-form θ_c² must zero the slope: checked at the returned time, for both drifts and several models.
    [Theory]
    [InlineData(ReverseDrift.Sde, 1.0, 0.0)]
    [InlineData(ReverseDrift.Sde, 16.0, 1.0)]
    [InlineData(ReverseDrift.Sde, 4.0, 0.5)]
    [InlineData(ReverseDrift.Sde, 9.0, 2.0)]
    [InlineData(ReverseDrift.ProbabilityFlow, 0.25, 0.0)]
    [InlineData(ReverseDrift.ProbabilityFlow, 0.3, 0.6)]
    public void CriticalTime_ZeroesTheCentreSlope_AndTheSlopeChangesSignThere(ReverseDrift drift, double m, double sigma)
    {
        double tc = SymmetryBreaking.CriticalTime(drift, m, sigma);
        Assert.True(tc > 0 && double.IsFinite(tc));
        Assert.Equal(0, SymmetryBreaking.CentreSlope(drift, tc, m, sigma), 1e-10);
        Assert.True(SymmetryBreaking.CentreSlope(drift, tc * 1.05, m, sigma) < 0, "stable above t_c");
        Assert.True(SymmetryBreaking.CentreSlope(drift, tc * 0.95, m, sigma) > 0, "unstable below t_c");
    }

    [Fact]
    public void TwoCluster_Sde_UnitSigma_CriticalTime_IsHalfLogTwiceMeanNormSquared()
    {
        Assert.Equal(0.5 * Math.Log(2 * 64.0), SymmetryBreaking.CriticalTime(ReverseDrift.Sde, 64.0, 1.0), 1e-13);
        Assert.True(double.IsNaN(SymmetryBreaking.CriticalTime(ReverseDrift.ProbabilityFlow, 64.0, 1.0))); // unstable at every t
    }

    // Slope of the drift along m̂ at 0 by central differences (h = 1e-6, smooth: error ~h²|f‴| ≈ 1e-11).
    [Theory]
    [InlineData(ReverseDrift.Sde, 0.3, 1.0, 0.0)]
    [InlineData(ReverseDrift.ProbabilityFlow, 0.8, 5.0, 0.7)]
    public void CentreSlope_EqualsFiniteDifferencesOfTheDrift(ReverseDrift drift, double t, double m, double sigma)
    {
        const double h = 1e-6;
        double fd = (SymmetryBreaking.Drift(drift, t, h, m, sigma) - SymmetryBreaking.Drift(drift, t, -h, m, sigma)) / (2 * h);
        Assert.Equal(fd, SymmetryBreaking.CentreSlope(drift, t, m, sigma), 1e-7);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.2)]
    [InlineData(0.4)]
    public void TwoPoints_PositiveFixedPoint_SolvesOnePlusThetaSquaredXEqualsTwoThetaTanh(double t)
    {
        double theta = OuTime.Decay(t), x = SymmetryBreaking.PositiveFixedPoint(ReverseDrift.Sde, t);
        Assert.True(x > 0);
        Assert.Equal((1 + theta * theta) * x, 2 * theta * Math.Tanh(theta * x / (1 - theta * theta)), 1e-13);
    }

    [Fact]
    public void PositiveFixedPoint_IsNaN_AboveTheCriticalTime_AndTendsToZeroAtIt()
    {
        double tc = SymmetryBreaking.CriticalTime(ReverseDrift.Sde);
        Assert.True(double.IsNaN(SymmetryBreaking.PositiveFixedPoint(ReverseDrift.Sde, tc + 0.01)));
        // Pitchfork: q₊ ∝ √(t_c − t) near t_c, so it is small just below.
        Assert.InRange(SymmetryBreaking.PositiveFixedPoint(ReverseDrift.Sde, tc - 1e-6), 0, 1e-2);
    }

    // V′ = −f by central differences (h = 1e-5; error ~h²|V‴| ≈ 1e-9).
    [Theory]
    [InlineData(ReverseDrift.Sde, 0.3, 0.7, 1.0, 0.0)]
    [InlineData(ReverseDrift.ProbabilityFlow, 1.1, -2.0, 9.0, 1.0)]
    public void Potential_IsMinusTheIntegralOfTheDrift(ReverseDrift drift, double t, double q, double m, double sigma)
    {
        const double h = 1e-5;
        double dv = (SymmetryBreaking.Potential(drift, t, q + h, m, sigma) - SymmetryBreaking.Potential(drift, t, q - h, m, sigma)) / (2 * h);
        Assert.Equal(-SymmetryBreaking.Drift(drift, t, q, m, sigma), dv, 1e-7);
        Assert.Equal(0, SymmetryBreaking.Potential(drift, t, 0, m, sigma), 1e-15);
    }

    [Fact]
    public void Potential_UnitSigmaSde_IsBiroliDoubleWell()
    {
        const double m = 25, t = 1.2, q = 1.7;
        double expected = q * q / 2 - 2 * Math.Log(Math.Cosh(q * Math.Sqrt(m) * Math.Exp(-t)));
        Assert.Equal(expected, SymmetryBreaking.Potential(ReverseDrift.Sde, t, q, m, 1.0), 1e-12);
    }

    [Fact]
    public void GaussianMode_EigenvalueVanishesAtHalfLogLambdaMinusOne()
    {
        const double lambda = 10;
        double tc = SymmetryBreaking.GaussianCriticalTime(ReverseDrift.Sde, lambda);
        Assert.Equal(0.5 * Math.Log(lambda - 1), tc, 1e-15);
        Assert.Equal(0, SymmetryBreaking.GaussianDriftEigenvalues(ReverseDrift.Sde, tc, [lambda])[0], 1e-14);
        Assert.True(double.IsNaN(SymmetryBreaking.GaussianCriticalTime(ReverseDrift.Sde, 1.5)));
        Assert.True(double.IsNaN(SymmetryBreaking.GaussianCriticalTime(ReverseDrift.ProbabilityFlow, lambda)));
        // PF-ODE: sign of λ − 1 at every t.
        var ode = SymmetryBreaking.GaussianDriftEigenvalues(ReverseDrift.ProbabilityFlow, 0.7, [3.0, 1.0, 0.2]);
        Assert.True(ode[0] > 0);
        Assert.Equal(0, ode[1], 1e-15);
        Assert.True(ode[2] < 0);
    }

    [Fact]
    public void BadInputs_Throw_NamingTheValue()
    {
        Assert.Contains("|m|²", Assert.Throws<ArgumentException>(() => SymmetryBreaking.CriticalTime(ReverseDrift.Sde, 0.0)).Message);
        Assert.Contains("|m|²", Assert.Throws<ArgumentException>(() => SymmetryBreaking.CriticalTime(ReverseDrift.Sde, double.NaN)).Message);
        Assert.Contains("σ", Assert.Throws<ArgumentException>(() => SymmetryBreaking.CentreSlope(ReverseDrift.Sde, 1, 1, -1)).Message);
        Assert.ThrowsAny<ArgumentException>(() => SymmetryBreaking.CentreSlope(ReverseDrift.Sde, 0));
        Assert.ThrowsAny<ArgumentException>(() => SymmetryBreaking.PositiveFixedPoint(ReverseDrift.Sde, -1));
        Assert.Contains("q", Assert.Throws<ArgumentException>(() => SymmetryBreaking.Drift(ReverseDrift.Sde, 1, double.NaN)).Message);
        Assert.Contains("λ", Assert.Throws<ArgumentException>(() => SymmetryBreaking.GaussianDriftEigenvalues(ReverseDrift.Sde, 1, [-1.0])).Message);
        Assert.Throws<ArgumentException>(() => SymmetryBreaking.ScoreCoefficient((ReverseDrift)7));
    }
}
