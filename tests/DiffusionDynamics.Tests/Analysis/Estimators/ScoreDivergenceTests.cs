using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class ScoreDivergenceTests
{
    /// <summary>Hides every capability of the inner denoiser, as a trained network has none.</summary>
    private sealed class Opaque(IDenoiser inner) : DenoiserDecorator(inner)
    {
        public override T? Capability<T>() where T : class => this as T;
    }

    private static GaussianDenoiser Anisotropic(double[] lambdas) =>
        GaussianDenoiser.FromEigenpairs(torch.zeros(lambdas.Length, dtype: ScalarType.Float64), torch.eye(lambdas.Length, dtype: ScalarType.Float64),
            torch.tensor(lambdas));

    [Fact]
    public void Empirical_PosteriorTrace_MatchesTheDenseJacobianTrace()
    {
        var data = DataSource.Parse("two-cluster:d=5,n=60,mu=1,sigma=0.4,seed=4");
        using var e = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        var x = torch.randn(6, 5, dtype: ScalarType.Float64, generator: torch.manual_seed(1));
        foreach (double t in new[] { 0.05, 0.5, 2.0 })
        {
            var div = ScoreDivergence.Evaluate(e, x, t).data<double>().ToArray();
            for (int b = 0; b < 6; b++)
            {
                double dense = ScoreJacobian.Dense(e, x[b], t).trace().item<double>();
                Assert.True(Math.Abs(div[b] - dense) < 1e-8 * (1 + Math.Abs(dense)), $"t = {t}: {div[b]} vs {dense}");   // float64 round-off of two reductions
            }
        }
    }

    [Fact]
    public void ClassMixture_TotalVariance_MatchesTheUnconditionalEmpiricalTrace()
    {
        // The law of total variance over classes reproduces the unconditional empirical posterior trace (exact decomposition, §7.1).
        var data = DataSource.Parse("two-cluster:d=3,n=50,mu=1,sigma=0.5,seed=5");
        using var conditional = new ClassConditionalEmpirical(data, new EmpiricalDenoiserOptions(Precision.Float64));
        using var whole = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        Assert.True(ScoreDivergence.IsExact(conditional));
        var x = torch.randn(8, 3, dtype: ScalarType.Float64, generator: torch.manual_seed(2));
        foreach (double t in new[] { 0.1, 0.8 })
        {
            var a = ScoreDivergence.Evaluate(conditional, x, t);
            var b = ScoreDivergence.Evaluate(whole, x, t);
            Assert.True((a - b).abs().max().item<double>() < 1e-9, $"t = {t}");
        }
    }

    [Fact]
    public void Gaussian_ClosedFormTrace_AndHutchinson_MatchTheStateInformationRate()
    {
        double[] lambdas = [3.0, 1.0, 0.2, 0.05];
        using var g = Anisotropic(lambdas);
        var opaque = new Opaque(g);
        Assert.True(ScoreDivergence.IsExact(g));
        Assert.False(ScoreDivergence.IsExact(opaque));
        foreach (double t in new[] { 0.1, 0.6 })
        {
            var x = g.SampleMarginal(t, 2000, seed: 11);
            double d = lambdas.Length, theory = StateInformation.GaussianRate(t, lambdas);
            // Exact: the Gaussian divergence is constant, so every point gives the rate to round-off.
            var exact = ScoreDivergence.Evaluate(g, x.narrow(0, 0, 10), t) + d / OuTime.Delta(t);
            Assert.True((exact - theory).abs().max().item<double>() < 1e-9 * (1 + theory), $"t = {t}");
            // Hutchinson with finite differences: unbiased up to O(h²) (relative ~1e-10 at h = ε^{1/3}√Δ); 4 standard errors over 2000 points.
            var hutch = (ScoreDivergence.Evaluate(opaque, x, t, probes: 2, seed: 3) + d / OuTime.Delta(t)).data<double>().ToArray();
            double mean = hutch.Average(), se = Math.Sqrt(hutch.Sum(v => (v - mean) * (v - mean)) / (hutch.Length - 1) / hutch.Length);
            Assert.True(Math.Abs(mean - theory) < 4 * se + 1e-6, $"t = {t}: Hutchinson {mean} ± {se} vs closed form {theory}");
        }
    }

    [Fact]
    public void TwoCluster_MeanDivergence_MatchesTheClosedFormRate()
    {
        // Independent Monte-Carlo of E[d/Δ + ∇·s] over the noised mixture (closed-form two-cluster Jacobian) vs StateInformation.TwoClusterRate.
        var synthetic = (TwoClusterData)DataSource.Generate("two-cluster:d=3,n=4000,mu=1,sigma=0.5,seed=6");
        using var model = new TwoClusterDenoiser(torch.tensor(synthetic.M), 0.5);
        using var a = synthetic.Data.ToTensor(ScalarType.Float64);
        double norm = Math.Sqrt(synthetic.M.Sum(v => v * v));
        foreach (double t in new[] { 0.2, 0.9 })
        {
            var z = torch.randn(a.shape, dtype: ScalarType.Float64, generator: torch.manual_seed(7));
            var x = a * OuTime.Decay(t) + z * Math.Sqrt(OuTime.Delta(t));
            var rate = (ScoreDivergence.Evaluate(model, x, t) + 3 / OuTime.Delta(t)).data<double>().ToArray();
            double mean = rate.Average(), se = Math.Sqrt(rate.Sum(v => (v - mean) * (v - mean)) / (rate.Length - 1) / rate.Length);
            double theory = StateInformation.TwoClusterRate(t, norm, 0.5, 3);
            // The 4000 data points are a finite sample of the mixture: their label balance adds ~1/√n to the SE-scale error, covered by 4 SE + 1%.
            Assert.True(Math.Abs(mean - theory) < 4 * se + 0.01 * theory, $"t = {t}: {mean} ± {se} vs {theory}");
        }
    }
}
