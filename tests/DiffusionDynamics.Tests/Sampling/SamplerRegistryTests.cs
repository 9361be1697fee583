using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Tests.Sampling;

public class SamplerRegistryTests
{
    [Fact]
    public void EveryKind_IsRegisteredOnce_WithTokenDisplayNameCostAndOrder()
    {
        var kinds = Enum.GetValues<SamplerKind>();
        Assert.Equal(kinds.Length, SamplerRegistry.All.Count);
        foreach (var kind in kinds)
        {
            var m = SamplerRegistry.Get(kind);
            Assert.Equal(kind, m.Kind);
            Assert.False(string.IsNullOrWhiteSpace(m.Token));
            Assert.False(string.IsNullOrWhiteSpace(m.DisplayName));
            Assert.InRange(m.EvaluationsPerStep, 1, 2);
            Assert.InRange(m.Order, 1, 2);
            Assert.NotNull(m.Step);
        }
        Assert.Equal(SamplerRegistry.Tokens.Count, SamplerRegistry.Tokens.Distinct().Count());
        Assert.Equal(SamplerRegistry.All.Count, SamplerRegistry.All.Select(m => m.DisplayName).Distinct().Count());
    }

    [Fact]
    public void Tokens_AreTheCliTokens_AndRoundTrip()
    {
        Assert.Equal(["sde", "ode-euler", "ode-heun", "ddim", "ddpm", "dpm2m"], SamplerRegistry.Tokens);
        foreach (var kind in Enum.GetValues<SamplerKind>())
            Assert.Equal(kind, SamplerRegistry.KindOf(SamplerRegistry.TokenOf(kind)));
        Assert.Equal(SamplerKind.DpmSolver2M, SamplerRegistry.KindOf("DPM2M"));
        Assert.Equal("DPM-Solver++(2M)", SamplerRegistry.DisplayName(SamplerKind.DpmSolver2M));
        Assert.Equal("SDE Euler–Maruyama", SamplerRegistry.DisplayName(SamplerKind.EulerMaruyama));
    }

    [Fact]
    public void UnknownToken_Throws_ListingTheValidTokens()
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerRegistry.FromToken("rk4"));
        Assert.Contains("rk4", e.Message);
        foreach (var token in SamplerRegistry.Tokens) Assert.Contains(token, e.Message);
        Assert.Equal("kind", Assert.Throws<ArgumentOutOfRangeException>(() => SamplerRegistry.Get((SamplerKind)99)).ParamName);
    }

    [Fact]
    public void Stochasticity_CostAndOrder_AreThoseOfTheMethods()
    {
        Assert.True(SamplerRegistry.Get(SamplerKind.EulerMaruyama).IsStochastic());
        Assert.True(SamplerRegistry.Get(SamplerKind.DdpmAncestral).IsStochastic());
        Assert.False(SamplerRegistry.Get(SamplerKind.Ddim).IsStochastic());
        Assert.True(SamplerRegistry.Get(SamplerKind.Ddim).IsStochastic(0.5));
        Assert.False(SamplerRegistry.Get(SamplerKind.OdeHeun).IsStochastic(0));
        Assert.Equal(2, SamplerRegistry.Get(SamplerKind.OdeHeun).EvaluationsPerStep);
        Assert.Equal(2, SamplerRegistry.Get(SamplerKind.DpmSolver2M).Order);
        Assert.Equal(11, SamplerRegistry.Get(SamplerKind.OdeHeun).DenoiserEvaluations(5));
        Assert.NotNull(SamplerRegistry.Get(SamplerKind.DpmSolver2M).NewMemory);
        Assert.Null(SamplerRegistry.Get(SamplerKind.Ddim).NewMemory);
    }
}
