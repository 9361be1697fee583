using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>Which source provides which capability, and that decorators forward (or drop) them.</summary>
public class CapabilityTests
{
    /// <summary>Forwards everything (the default).</summary>
    private sealed class PassThrough(IDenoiser inner) : DenoiserDecorator(inner);

    /// <summary>Changes D (x ↦ D/2) and so drops the inner capabilities, as a guidance decorator must.</summary>
    private sealed class Halving(IDenoiser inner) : DenoiserDecorator(inner)
    {
        public override Tensor Denoise(Tensor x, double t)
        {
            using var scope = NewDisposeScope();
            return Inner.Denoise(x, t).mul_(0.5).MoveToOuterDisposeScope();
        }

        public override T? Capability<T>() where T : class => this as T;
    }

    private static EmpiricalDenoiser Empirical(Precision precision = Precision.Float64) =>
        new(torch.tensor(RandomMatrix(12, 3, 5)), new EmpiricalDenoiserOptions(precision));

    [Fact]
    public void ClosedFormSources_ProvideTheirCapabilities_AndOthersDoNot()
    {
        using var e = Empirical();
        using var g = GaussianDenoiser.Isotropic(torch.zeros(3, dtype: ScalarType.Float64), 2.0);
        using var c = TwoClusterDenoiser.Uniform(3, 1.0, 0.5);
        using var m = MixtureDenoiser.Fit(torch.tensor(RandomMatrix(20, 3, 6)), new MixtureOptions(Components: 2));
        using var n = new NeuralDenoiser(ScoreNetwork.Create(new NetworkOptions(NetworkKind.Mlp, [3], Width: 16, Depth: 1, TimeEmbedding: 8), 0));
        Assert.True(e.Has<IClosedFormJacobian>() && e.Has<IPosteriorWeights>() && !e.Has<IJacobianTransposeProduct>());
        Assert.True(g.Has<IClosedFormJacobian>() && !g.Has<IPosteriorWeights>());
        Assert.True(c.Has<IClosedFormJacobian>() && !c.Has<IPosteriorWeights>());
        Assert.False(m.Has<IClosedFormJacobian>());
        Assert.True(n.Has<IJacobianTransposeProduct>() && !n.Has<IClosedFormJacobian>());
        Assert.False(ScoreJacobian.HasClosedForm(m));
        Assert.True(ScoreJacobian.HasClosedForm(e));
    }

    [Fact]
    public void Precision_SetsTheDefaultFiniteDifferenceStep()
    {
        // h = ε^{1/3} √Δ_t with ε the machine epsilon of the source's arithmetic.
        using var e32 = Empirical(Precision.Float32);
        using var e64 = Empirical(Precision.Float64);
        using var g = GaussianDenoiser.Isotropic(torch.zeros(3, dtype: ScalarType.Float64), 2.0);
        double t = 0.4, sqrtDelta = Math.Sqrt(1 - Math.Exp(-2 * t));
        Assert.Equal(Math.Cbrt(1.1920929e-7) * sqrtDelta, ScoreJacobian.DefaultStep(e32, t));
        Assert.Equal(Math.Cbrt(2.220446049250313e-16) * sqrtDelta, ScoreJacobian.DefaultStep(e64, t));
        Assert.Equal(Math.Cbrt(2.220446049250313e-16) * sqrtDelta, ScoreJacobian.DefaultStep(g, t));
        Assert.Equal(Precision.Float64, new PassThrough(e64).Precision);
    }

    [Fact]
    public void PassThroughDecorator_ForwardsDimensionDenoiseAndCapabilities()
    {
        using var e = Empirical();
        var wrapped = new PassThrough(new PassThrough(e));
        using var x = torch.tensor(RandomMatrix(4, 3, 7));
        Assert.Equal(3, wrapped.Dimension);
        Assert.Same(e, wrapped.As<IPosteriorWeights>());
        Assert.Same(e, wrapped.As<IClosedFormJacobian>());
        Assert.Null(wrapped.As<IJacobianTransposeProduct>());
        using var direct = e.Denoise(x, 0.3);
        using var through = wrapped.Denoise(x, 0.3);
        Assert.Equal(0.0, (direct - through).abs().max().item<double>());
        // The Jacobian through the decorator is the closed form, bit for bit.
        using var point = x[0];
        using var j1 = ScoreJacobian.Dense(e, point, 0.3);
        using var j2 = ScoreJacobian.Dense(wrapped, point, 0.3);
        Assert.Equal(0.0, (j1 - j2).abs().max().item<double>());
        using var op = ScoreJacobian.Operator(wrapped, point, 0.3);
        Assert.True(op.ActiveRows > 0); // the posterior path, not finite differences
    }

    [Fact]
    public void DecoratorThatChangesD_DropsTheCapabilities_AndItsJacobianFollowsItsOwnD()
    {
        // D' = D/2 ⇒ s' = (e^{−t}D/2 − x)/Δ_t, J_s' = (e^{−t}/(2Δ_t)) ∂D − I/Δ_t with ∂D = e^{t}(I + Δ_t J_s):
        // J_s' = ½(I/Δ_t + J_s) − I/Δ_t = ½ J_s − I/(2Δ_t). Finite differences (float64 steps) agree to ~1e-7.
        using var e = Empirical();
        var halved = new Halving(e);
        Assert.Null(halved.As<IClosedFormJacobian>());
        Assert.Null(halved.As<IPosteriorWeights>());
        double t = 0.5, delta = 1 - Math.Exp(-2 * t);
        using var point = torch.tensor(new[] { 0.3, -0.2, 0.4 });
        using var exact = ScoreJacobian.Dense(e, point, t) * 0.5 - torch.eye(3, dtype: ScalarType.Float64) / (2 * delta);
        using var fd = ScoreJacobian.Dense(halved, point, t);
        Assert.True((fd - exact).abs().max().item<double>() < 1e-6 * (1 + exact.abs().max().item<double>()));
    }

    [Fact]
    public void PosteriorWeights_ReproduceTheDenoiser()
    {
        // D = Σ_μ w_μ a^μ: the capability's weights and training set give back D (float64, to round-off).
        using var e = Empirical();
        IPosteriorWeights p = e;
        using var x = torch.tensor(RandomMatrix(5, 3, 8));
        using var w = p.PosteriorWeights(x, 0.2);
        using var d = w.mm(p.TrainingSet.to_type(ScalarType.Float64));
        using var direct = e.Denoise(x, 0.2);
        Assert.True((d - direct).abs().max().item<double>() < 1e-13);
        Assert.Equal(12, p.Count);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    public void ClosedFormProducts_MatchFiniteDifferencesOfTheScore(double t)
    {
        // Central differences of the float64 Tweedie score with h = ε^{1/3}√Δ_t: error ~ε^{2/3}|s| ≈ 1e-10 relative, bound 1e-6.
        using var e = Empirical();
        using var g = GaussianDenoiser.Isotropic(torch.tensor(new[] { 0.5, -0.5, 1.0 }), 2.0);
        using var c = TwoClusterDenoiser.Uniform(3, 1.0, 0.5);
        using var point = torch.tensor(new[] { 0.3, -0.2, 0.4 });
        using var v = torch.tensor(RandomMatrix(3, 2, 9));
        foreach (IDenoiser source in new IDenoiser[] { e, g, c })
        {
            using var closed = ScoreJacobian.Apply(source, point, t, v);
            using var fd = ScoreJacobian.FiniteDifference(source, point, t, v);
            double scale = 1 + closed.abs().max().item<double>();
            Assert.True((closed - fd).abs().max().item<double>() < 1e-6 * scale, $"{source.GetType().Name} at t = {t}");
        }
    }
}
