using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary><see cref="GaussianDenoiser.FromEigenpairs"/>: the probabilistic-PCA components C = UΛUᵀ + σ²_⊥(I − UUᵀ) of the mixtures.</summary>
public class MixtureComponentTests
{
    /// <summary>A random orthonormal basis [d, r] (QR of a Gaussian matrix) and its PPCA covariance.</summary>
    private static (Tensor U, Tensor Lambda, Tensor Cov) Ppca(int d, int r, double residual, ulong seed)
    {
        var (q, _) = torch.linalg.qr(torch.tensor(RandomMatrix(d, r, seed)));
        var lambda = torch.tensor(Enumerable.Range(0, r).Select(k => 4.0 / (k + 1)).ToArray());
        var cov = q.mm(torch.diag(lambda)).mm(q.t()) + (torch.eye(d, dtype: ScalarType.Float64) - q.mm(q.t())) * residual;
        return (q, lambda, cov);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    public void ComplementVariance_EqualsTheFullCovarianceGaussian(double t)
    {
        // The same N(m, C) written two ways: by its eigenpairs + σ²_⊥, and as a dense C (full eigendecomposition).
        int d = 6;
        var (u, lambda, cov) = Ppca(d, 2, 0.3, 1);
        using var m = torch.tensor(RandomMatrix(1, d, 2)).reshape(d);
        using var ppca = GaussianDenoiser.FromEigenpairs(m, u, lambda, 0.3);
        using var dense = new GaussianDenoiser(m, cov);
        using var x = torch.tensor(RandomMatrix(5, d, 3, 2.0));
        Assert.True((ppca.Denoise(x, t) - dense.Denoise(x, t)).abs().max().item<double>() < 1e-10);
        Assert.True((ppca.LogDensity(x, t) - dense.LogDensity(x, t)).abs().max().item<double>() < 1e-10);
        AssertScoreMatchesFiniteDifferences(ppca, RandomMatrix(3, d, 4), t);
    }

    [Fact]
    public void RankZero_IsTheIsotropicGaussian()
    {
        using var m = torch.tensor(new[] { 1.0, -2.0, 0.5 });
        using var iso = GaussianDenoiser.FromEigenpairs(m, torch.zeros(3, 0, dtype: ScalarType.Float64), torch.zeros(0, dtype: ScalarType.Float64), 0.7);
        using var reference = GaussianDenoiser.Isotropic(m, 0.7);
        using var x = torch.tensor(RandomMatrix(4, 3, 5));
        Assert.Equal(0, iso.Rank);
        Assert.True((iso.Denoise(x, 0.3) - reference.Denoise(x, 0.3)).abs().max().item<double>() < 1e-12);
        Assert.True((iso.LogDensity(x, 0.3) - reference.LogDensity(x, 0.3)).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void SampleMarginal_WithComplementVariance_HasTheMarginalCovariance()
    {
        // Sample covariance of 20,000 draws against θ²C + Δ I; entries have SE ≈ √((Σ_ii Σ_jj + Σ_ij²)/N) ≤ 0.02, bound 4 SE.
        int d = 3, n = 20000;
        var (u, lambda, cov) = Ppca(d, 1, 0.5, 6);
        using var m = torch.zeros(d, dtype: ScalarType.Float64);
        using var g = GaussianDenoiser.FromEigenpairs(m, u, lambda, 0.5);
        double t = 0.3, decay = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        using var x = g.SampleMarginal(t, n, 7);
        using var sample = x.t().mm(x) / n;
        using var target = cov * (decay * decay) + torch.eye(d, dtype: ScalarType.Float64) * delta;
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                double se = Math.Sqrt((target[i, i].item<double>() * target[j, j].item<double>() + Math.Pow(target[i, j].item<double>(), 2)) / n);
                Assert.InRange(sample[i, j].item<double>() - target[i, j].item<double>(), -4 * se, 4 * se);
            }
    }

    [Fact]
    public void FromEigenpairs_BadInputs_Throw()
    {
        using var m = torch.zeros(3, dtype: ScalarType.Float64);
        using var u = torch.eye(3, dtype: ScalarType.Float64).narrow(1, 0, 2);
        Assert.Throws<ArgumentException>(() => GaussianDenoiser.FromEigenpairs(m, u, torch.ones(3, dtype: ScalarType.Float64)));          // r mismatch
        Assert.Throws<ArgumentException>(() => GaussianDenoiser.FromEigenpairs(m, u * 2, torch.ones(2, dtype: ScalarType.Float64)));      // not orthonormal
        Assert.Throws<ArgumentException>(() => GaussianDenoiser.FromEigenpairs(m, u, torch.tensor(new[] { 1.0, -1.0 })));                 // λ < 0
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianDenoiser.FromEigenpairs(m, u, torch.ones(2, dtype: ScalarType.Float64), -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussianDenoiser.FromEigenpairs(m, u, torch.ones(2, dtype: ScalarType.Float64), double.NaN));
        Assert.Throws<ArgumentException>(() => GaussianDenoiser.FromEigenpairs(torch.zeros(4, dtype: ScalarType.Float64), u, torch.ones(2, dtype: ScalarType.Float64)));
    }
}
