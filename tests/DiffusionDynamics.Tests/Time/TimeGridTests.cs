using DiffusionDynamics.Time;

namespace DiffusionDynamics.Tests.Time;

public class TimeGridTests
{
    public static TheoryData<string> Kinds() => new() { "uniform", "log", "logsnr", "karras" };

    private static TimeGrid Make(string kind, double T, double tMin, int steps) => kind switch
    {
        "uniform" => TimeGrid.Uniform(T, tMin, steps),
        "log" => TimeGrid.LogUniform(T, tMin, steps),
        "logsnr" => TimeGrid.LogSnr(T, tMin, steps),
        _ => TimeGrid.Karras(EdmSigma.FromTime(tMin), EdmSigma.FromTime(T), steps),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Grid_HasExactEndpointsSizeAndPositiveSteps(string kind)
    {
        foreach (int n in new[] { 1, 2, 18, 1000 })
        {
            var g = Make(kind, 10, 1e-3, n);
            Assert.Equal(n, g.Steps);
            Assert.Equal(n + 1, g.Times.Length);
            Assert.Equal(n, g.StepSizes.Length);
            // Exact for grids built from t; the Karras grid is built from σ(t), which round-trips to ~1 ulp.
            Assert.Equal(10, g.Start, kind == "karras" ? 1e-14 : 0);
            Assert.Equal(1e-3, g.End, kind == "karras" ? 1e-17 : 0);
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                Assert.True(g.StepSizes[k] > 0);
                Assert.Equal(g[k] - g[k + 1], g.StepSizes[k]);
                sum += g.StepSizes[k];
            }
            Assert.Equal(10 - 1e-3, sum, 1e-12);
        }
    }

    [Fact]
    public void Uniform_HasEqualSteps()
    {
        var g = TimeGrid.Uniform(10, 0.01, 333);
        foreach (double h in g.StepSizes) Assert.Equal((10 - 0.01) / 333, h, 1e-13);
    }

    [Fact]
    public void LogUniform_HasConstantRatio()
    {
        var g = TimeGrid.LogUniform(10, 1e-3, 40);
        double r = Math.Pow(1e-3 / 10, 1.0 / 40);
        for (int k = 0; k < 40; k++) Assert.Equal(r, g[k + 1] / g[k], 1e-13);
    }

    [Fact]
    public void LogSnr_IsUniformInLambda()
    {
        var g = TimeGrid.LogSnr(10, 1e-3, 25);
        double h0 = LogSnr.FromTime(g[1]) - LogSnr.FromTime(g[0]);
        // λ spans ~34; rounding in t maps to ~1e-14 absolute in λ.
        for (int k = 0; k < 25; k++) Assert.Equal(h0, LogSnr.FromTime(g[k + 1]) - LogSnr.FromTime(g[k]), 1e-12);
    }

    [Fact]
    public void Karras_MatchesEdmFormulaInSigma()
    {
        var g = TimeGrid.Karras(0.002, 80, 18);
        for (int k = 0; k <= 18; k++)
        {
            double expected = Math.Pow(Math.Pow(80, 1 / 7.0) + k / 18.0 * (Math.Pow(0.002, 1 / 7.0) - Math.Pow(80, 1 / 7.0)), 7);
            Assert.Equal(expected, EdmSigma.FromTime(g[k]), 1e-12 * expected);
        }
        // ρ = 7 puts more steps near zero than the uniform grid: the last step is the smallest.
        Assert.True(g.StepSizes[^1] < g.StepSizes[0]);
    }

    [Fact]
    public void FromTimes_ValidatesOrder()
    {
        var g = TimeGrid.FromTimes([3.0, 2.0, 0.5]);
        Assert.Equal(2, g.Steps);
        Assert.Throws<ArgumentException>(() => TimeGrid.FromTimes([3.0, 3.0, 0.5]));
        Assert.Throws<ArgumentException>(() => TimeGrid.FromTimes([3.0, 0.0]));
        Assert.Throws<ArgumentException>(() => TimeGrid.FromTimes([3.0]));
    }

    [Theory]
    [InlineData(10, 0, 10)]
    [InlineData(10, -1, 10)]
    [InlineData(1, 2, 10)]
    [InlineData(1, 1, 10)]
    [InlineData(double.NaN, 0.1, 10)]
    [InlineData(double.PositiveInfinity, 0.1, 10)]
    [InlineData(10, double.NaN, 10)]
    [InlineData(10, 0.1, 0)]
    public void InvalidArguments_ThrowNamingTheValue(double T, double tMin, int steps)
    {
        foreach (string kind in new[] { "uniform", "log", "logsnr" })
        {
            var e = Assert.Throws<ArgumentException>(() => Make(kind, T, tMin, steps));
            Assert.NotNull(e.ParamName);
        }
        Assert.Throws<ArgumentException>(() => TimeGrid.Karras(0.1, 0.05, 10));
        Assert.Throws<ArgumentException>(() => TimeGrid.Karras(0.1, 1, 10, rho: 0));
    }
}
