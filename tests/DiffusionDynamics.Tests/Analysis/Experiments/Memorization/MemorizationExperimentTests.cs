using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class MemorizationExperimentTests
{
    [Fact]
    public void ExactEmpiricalScore_AsTheModel_MemorizesEverything_AndHasZeroScoreDistance()
    {
        var data = DataSource.Parse("gaussian:d=8,n=12,spectrum=8x1,seed=3");
        using var a = data.ToTensor();
        using var exact = new EmpiricalDenoiser(a);
        var p = MemorizationExperiment.Evaluate(data, exact, new MemorizationOptions(Samples: 16, Steps: 60, ScoreSamples: 32));
        Assert.Equal(12, p.N);
        Assert.Equal(1.0, p.MemorizedFraction);
        Assert.All(p.ScoreDistance, s => Assert.Equal(0.0, s.RelativeError, 12)); // the same score: identical values
        Assert.True(p.LastChangeMean > 0);
        Assert.True(p.GaussianCollapseTime > 0);
    }

    [Fact]
    public void SpectrumCollapseTime_IsTheAnisotropicRoot_AndNeverExceedsTheIsotropicOne()
    {
        // Σ_k ln(1 + λ_k/e) is concave in λ, so at equal trace it is largest for equal λ_k (Jensen): the isotropic f(t) is
        // below the anisotropic one at every t and its root t_C is the larger. On the population spectrum 4·0.5^k (k < 8) the ratio
        // is 0.61; the sample spectrum of 64 points moves it by O(1/√n) ≈ 0.13, so < 0.8 holds with margin.
        var data = DataSource.Parse("gaussian:d=8,n=64,spectrum=geometric:4:0.5,seed=5");
        using var a = data.ToTensor();
        using var exact = new EmpiricalDenoiser(a);
        var p = MemorizationExperiment.Evaluate(data, exact, new MemorizationOptions(Samples: 8, Steps: 30, ScoreSamples: 16));
        Assert.NotNull(p.SpectrumCollapseTime);
        var eig = DiffusionDynamics.Theory.CovarianceSpectrum.Eigenvalues(a);
        Assert.Equal(DiffusionDynamics.Theory.ExcessEntropy.AnisotropicCollapseTime(64, 8, eig), p.SpectrumCollapseTime!.Value, 12);
        Assert.True(p.SpectrumCollapseTime < 0.8 * p.GaussianCollapseTime, $"spectrum {p.SpectrumCollapseTime} vs isotropic {p.GaussianCollapseTime}");
    }

    [Fact]
    public void GaussianScore_OfGaussianData_GeneralizesAndIsFarFromTheEmpiricalScoreAtSmallT()
    {
        // The population Gaussian score never collapses: its samples are fresh draws, so the copy test fires only by
        // chance (≈ 3^{-d} for d = 8, i.e. < 1 %); at small t the empirical score points at single training points
        // while the Gaussian one does not, so their relative distance is of order 1 there and small at large t.
        var data = DataSource.Parse("gaussian:d=8,n=50,spectrum=8x1,seed=4");
        using var mean = torch.zeros(8, dtype: ScalarType.Float64);
        using var gauss = GaussianDenoiser.Isotropic(mean, 1.0);
        var p = MemorizationExperiment.Evaluate(data, gauss, new MemorizationOptions(Samples: 64, Steps: 60, ScoreTimes: [0.01, 3.0], ScoreSamples: 128));
        Assert.True(p.MemorizedFraction < 0.1, $"memorized {p.MemorizedFraction}");
        Assert.True(p.ScoreDistance[0].RelativeError > 0.5, $"distance at t = 0.01: {p.ScoreDistance[0].RelativeError}");
        Assert.True(p.ScoreDistance[1].RelativeError < 0.05, $"distance at t = 3: {p.ScoreDistance[1].RelativeError}");
    }

    [Fact]
    public void InvalidOptions_AreRejected()
    {
        var data = DataSource.Parse("points:-1,1");
        using var a = data.ToTensor();
        using var exact = new EmpiricalDenoiser(a);
        Assert.Throws<ArgumentOutOfRangeException>(() => MemorizationExperiment.Evaluate(data, exact, new MemorizationOptions(Samples: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemorizationExperiment.Evaluate(data, exact, new MemorizationOptions(ScoreTimes: [0.0])));
        var other = DataSource.Parse("gaussian:d=3,n=4,spectrum=3x1");
        Assert.Throws<ArgumentException>(() => MemorizationExperiment.Evaluate(other, exact, new MemorizationOptions()));
    }
}
