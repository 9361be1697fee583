using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class TwoClusterDenoiserTests
{
    [Theory]
    [InlineData(0.1, 1.0)]
    [InlineData(0.8, 1.0)]
    [InlineData(2.0, 0.5)]
    [InlineData(0.3, 0.0)]
    public void Score_EqualsFiniteDifferenceOfLogDensity(double t, double sigma)
    {
        using var m = torch.tensor(new[] { 1.0, -0.5, 2.0 });
        using var den = new TwoClusterDenoiser(m, sigma);
        var x = RandomMatrix(4, 3, 40, 2.0);
        AssertScoreMatchesFiniteDifferences(den, x, t);
    }

    [Fact]
    public void Score_EqualsPaperFormula()
    {
        // ∇ ln P_t(x) = (m_t/Γ_t) tanh(m_t·x/Γ_t) − x/Γ_t (docs/theory.md §2), evaluated directly in doubles.
        int d = 16;
        double mu = 1.0, sigma = 1.0, t = 0.9;
        using var den = TwoClusterDenoiser.Uniform(d, mu, sigma);
        var x = RandomMatrix(5, d, 41);
        using var xt = torch.tensor(x);
        var s = ToArray(Score.Evaluate(den, xt, t));
        double decay = Math.Exp(-t), gamma = 1 - Math.Exp(-2 * t) + sigma * sigma * Math.Exp(-2 * t);
        for (int i = 0; i < 5; i++)
        {
            double overlap = 0;
            for (int j = 0; j < d; j++) overlap += mu * decay * x[i, j];
            for (int j = 0; j < d; j++)
            {
                double expected = mu * decay / gamma * Math.Tanh(overlap / gamma) - x[i, j] / gamma;
                Assert.Equal(expected, s[i, j], 12);
            }
        }
    }

    [Fact]
    public void ZeroCentre_IsTheIsotropicGaussian()
    {
        using var zero = torch.zeros(3, dtype: ScalarType.Float64);
        using var tc = new TwoClusterDenoiser(zero, 0.7);
        using var g = GaussianDenoiser.Isotropic(zero, 0.49);
        using var x = torch.tensor(RandomMatrix(5, 3, 42));
        using var d1 = tc.Denoise(x, 0.6);
        using var d2 = g.Denoise(x, 0.6);
        Assert.True((d1 - d2).abs().max().item<double>() < 1e-12);
        using var l1 = tc.LogDensity(x, 0.6);
        using var l2 = g.LogDensity(x, 0.6);
        Assert.True((l1 - l2).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void InvalidParameters_AreRejected()
    {
        using var m = torch.ones(3, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwoClusterDenoiser(m, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwoClusterDenoiser(m, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => TwoClusterDenoiser.Uniform(0, 1, 1));
        using var nan = torch.full(3, double.NaN, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => new TwoClusterDenoiser(nan, 1));
    }
}
