using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class GaussianDenoiserTests
{
    private static (Tensor Mean, Tensor Cov) RandomGaussian(int d, ulong seed)
    {
        var m = RandomMatrix(1, d, seed);
        var b = RandomMatrix(d, d, seed + 1, 0.7);
        using var bt = torch.tensor(b);
        var cov = bt.mm(bt.t()) + torch.eye(d, dtype: ScalarType.Float64) * 0.05;
        return (torch.tensor(m).reshape(d), cov);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.6)]
    [InlineData(2.0)]
    public void Score_EqualsFiniteDifferenceOfLogDensity(double t)
    {
        var (m, c) = RandomGaussian(4, 20);
        using var g = new GaussianDenoiser(m, c);
        var x = RandomMatrix(3, 4, 22);
        AssertScoreMatchesFiniteDifferences(g, x, t);
    }

    [Fact]
    public void Score_EqualsClosedFormInverseCovarianceTimesResidual()
    {
        // ∇ ln P_t(x) = −(e^{−2t}C + Δ I)^{−1}(x − e^{−t} m), an independent route through a linear solve.
        var (m, c) = RandomGaussian(5, 30);
        using var g = new GaussianDenoiser(m, c);
        double t = 0.35, decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        using var x = torch.tensor(RandomMatrix(6, 5, 31));
        using var s = Score.Evaluate(g, x, t);
        using var sigma = c * (decay * decay) + torch.eye(5, dtype: ScalarType.Float64) * delta;
        using var expected = -torch.linalg.solve(sigma, (x - m * decay).t()).t();
        Assert.True((s - expected).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void LowRank_DropsOnlyTheSmallModes()
    {
        using var mean = torch.zeros(3, dtype: ScalarType.Float64);
        using var cov = torch.diag(torch.tensor(new[] { 3.0, 1.0, 0.0 }));
        using var full = new GaussianDenoiser(mean, cov);
        using var low = new GaussianDenoiser(mean, cov, rank: 2);
        Assert.Equal(new[] { 3.0, 1.0 }, low.Eigenvalues.Select(v => Math.Round(v, 12)));
        using var x = torch.tensor(RandomMatrix(4, 3, 32));
        using var d1 = full.Denoise(x, 0.5);
        using var d2 = low.Denoise(x, 0.5);
        Assert.True((d1 - d2).abs().max().item<double>() < 1e-12); // the dropped eigenvalue is exactly 0
        using var l1 = full.LogDensity(x, 0.5);
        using var l2 = low.LogDensity(x, 0.5);
        Assert.True((l1 - l2).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void SampleMarginal_HasTheMarginalMeanAndCovariance()
    {
        using var mean = torch.tensor(new[] { 1.0, -2.0 });
        using var cov = torch.tensor(new[,] { { 2.0, 0.6 }, { 0.6, 0.5 } });
        using var g = new GaussianDenoiser(mean, cov);
        double t = 0.4, decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        int n = 20000;
        using var x = g.SampleMarginal(t, n, 33);
        var m = x.mean([0]);
        var centred = x - m;
        var sampleCov = centred.t().mm(centred) / (n - 1);
        var target = cov * (decay * decay) + torch.eye(2, dtype: ScalarType.Float64) * delta;
        for (int i = 0; i < 2; i++)
        {
            double se = Math.Sqrt(target[i, i].item<double>() / n);
            Assert.True(Math.Abs(m[i].item<double>() - mean[i].item<double>() * decay) < 4 * se);
            for (int j = 0; j < 2; j++)
            {
                // SE of a sample covariance entry: √((Σ_ii Σ_jj + Σ_ij²)/n).
                double seCov = Math.Sqrt((target[i, i].item<double>() * target[j, j].item<double>() + Math.Pow(target[i, j].item<double>(), 2)) / n);
                Assert.True(Math.Abs(sampleCov[i, j].item<double>() - target[i, j].item<double>()) < 4 * seCov);
            }
        }
    }

    [Fact]
    public void InvalidCovariance_IsRejected()
    {
        using var mean = torch.zeros(2, dtype: ScalarType.Float64);
        using var asym = torch.tensor(new[,] { { 1.0, 0.5 }, { 0.0, 1.0 } });
        using var neg = torch.tensor(new[,] { { 1.0, 0.0 }, { 0.0, -1.0 } });
        using var wrong = torch.eye(3, dtype: ScalarType.Float64);
        Assert.Contains("symmetric", Assert.Throws<ArgumentException>(() => new GaussianDenoiser(mean, asym)).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => new GaussianDenoiser(mean, neg)).Message);
        Assert.Throws<ArgumentException>(() => new GaussianDenoiser(mean, wrong));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianDenoiser(mean, torch.eye(2, dtype: ScalarType.Float64), rank: 0));
    }
}
