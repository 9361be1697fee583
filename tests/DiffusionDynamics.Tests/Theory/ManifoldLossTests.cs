using DiffusionDynamics.Data;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class ManifoldLossTests
{
    [Theory]
    [InlineData(1.0, 1000)]
    [InlineData(0.3, 100)]
    [InlineData(0.01, 10000)]
    public void LossTime_IsTheOuTimeOfNoiseVarianceSSquaredOverTwoLnN(double s, int n)
    {
        double sigma2 = s * s / (2 * Math.Log(n));
        Assert.Equal(sigma2, ManifoldLoss.LossNoiseVariance(s, n), 1e-15);
        // e^{2t} − 1 = σ² at the loss time (the VE noise variance of the OU clock), to round-off.
        double t = ManifoldLoss.LossTime(s, n);
        Assert.Equal(sigma2, Math.Exp(2 * t) - 1, 1e-12 * Math.Max(1, sigma2) + 1e-15);
    }

    [Theory]
    [InlineData(1e-6)]
    [InlineData(0.07)]
    [InlineData(3.0)]
    public void NoiseVariance_AndTimeOfNoiseVariance_RoundTrip(double sigma2)
    {
        Assert.Equal(sigma2, ManifoldLoss.NoiseVariance(ManifoldLoss.TimeOfNoiseVariance(sigma2)), 1e-12 * sigma2);
    }

    [Fact]
    public void Thresholds_LoseHigherVarianceSubspacesFirst_AtLargerT()
    {
        var spec = LinearManifoldSpec.Standard();
        var th = ManifoldLoss.Thresholds(spec.Stds, 1000);
        Assert.Equal([1.0, 0.3, 0.01], th.Select(x => x.Std));
        Assert.Equal([2, 5, 23], th.Select(x => x.Count));
        for (int i = 1; i < th.Count; i++) Assert.True(th[i].LossTime < th[i - 1].LossTime);
        // A direction is lost (as t decreases) before it would drop below the noise only if 2 ln N > 1.
        Assert.All(th, x => Assert.True(x.LossTime < x.VisibilityTime));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(1000)]
    [InlineData(10000)]
    public void CollapseTime_SolvesLnNEqualsHalfTheSumOfLog1PlusVarianceOverNoise(int n)
    {
        // Independent check of the root: at σ² = e^{2 t_C} − 1, ln N = ½ Σ_i ln(1 + s_i²/σ²). The bisection stops at a few ulps
        // of t, and the sum has slope ~ d ln σ²/dt · (resolved dims)/2 ≈ 7/t there, so the residual is round-off (≤ 1e−9).
        var stds = LinearManifoldSpec.Standard().Stds;
        double tc = ManifoldLoss.CollapseTime(stds, n);
        double sigma2 = Math.Exp(2 * tc) - 1;
        double rhs = 0.5 * stds.Sum(s => Math.Log(1 + s * s / sigma2));
        Assert.Equal(Math.Log(n), rhs, 1e-9);
        // It lies between the std-0.3 and std-1 per-direction thresholds for these N: the collapse, not t_loss(0.3), removes the 0.3 subspace.
        Assert.InRange(tc, ManifoldLoss.LossTime(0.3, n), ManifoldLoss.LossTime(1, n));
        // And one isotropic direction reduces it to the 1-D Gaussian closed form ½ ln(1 + s²/(N² − 1)).
        Assert.Equal(0.5 * Math.Log(1 + 0.49 / ((double)n * n - 1)), ManifoldLoss.CollapseTime([0.7], n), 1e-12);
    }

    [Fact]
    public void PredictedTangentDimension_StepsThroughTheWindowsOfEachSubspace_UntilTheCollapse()
    {
        var stds = LinearManifoldSpec.Standard().Stds;
        const int n = 1000;
        double loss1 = ManifoldLoss.LossTime(1, n), vis1 = ManifoldLoss.VisibilityTime(1);
        double loss03 = ManifoldLoss.LossTime(0.3, n), vis03 = ManifoldLoss.VisibilityTime(0.3);
        double tc = ManifoldLoss.CollapseTime(stds, n);
        // N = 1000: t_loss(0.3) ≈ 0.0032 < t_C ≈ 0.0155 < t_loss(1) ≈ 0.035 < t_vis(0.3) ≈ 0.043 < t_vis(1) ≈ 0.35.
        Assert.True(loss03 < tc && tc < loss1 && loss1 < vis03 && vis03 < vis1);
        Assert.Equal(0, ManifoldLoss.PredictedTangentDimension(stds, n, 2 * vis1));
        Assert.Equal(2, ManifoldLoss.PredictedTangentDimension(stds, n, 0.5 * (vis03 + vis1)));
        Assert.Equal(7, ManifoldLoss.PredictedTangentDimension(stds, n, 0.5 * (loss1 + vis03)));
        Assert.Equal(5, ManifoldLoss.PredictedTangentDimension(stds, n, Math.Sqrt(tc * loss1)));
        // Below t_C nothing survives, although t_loss(0.3) < t and the 0.01 directions would be inside their own window
        // t_loss(0.01) ≈ 3.6e−6 < t < t_vis(0.01) ≈ 5e−5.
        Assert.Equal(0, ManifoldLoss.PredictedTangentDimension(stds, n, Math.Sqrt(loss03 * tc)));
        Assert.Equal(0, ManifoldLoss.PredictedTangentDimension(stds, n, Math.Sqrt(ManifoldLoss.LossTime(0.01, n) * ManifoldLoss.VisibilityTime(0.01))));
        // The thresholds carry the same rule.
        var th = ManifoldLoss.Thresholds(stds, n);
        Assert.Equal([loss1, tc, tc], th.Select(x => x.LostTime));
    }

    [Fact]
    public void InvalidInputs_ThrowArgumentException_NamingTheValue()
    {
        Assert.Equal("n", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.LossTime(1, 1)).ParamName);
        Assert.Equal("std", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.LossTime(0, 100)).ParamName);
        Assert.Equal("std", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.VisibilityTime(double.NaN)).ParamName);
        Assert.Equal("t", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.NoiseVariance(0)).ParamName);
        Assert.Equal("sigma2", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.TimeOfNoiseVariance(-1)).ParamName);
        Assert.Equal("stds", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.PredictedTangentDimension([1, double.NaN], 100, 0.1)).ParamName);
        Assert.Equal("stds", Assert.ThrowsAny<ArgumentException>(() => ManifoldLoss.Thresholds([], 100)).ParamName);
    }
}
