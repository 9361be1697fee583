using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class ClassConditionalTests
{
    /// <summary>30 labelled points in d = 3: labels 4 (12 items) and 9 (18 items), interleaved, class 9 shifted by +2.</summary>
    private static Dataset Labelled()
    {
        var z = MixtureDenoiserTests.RoundToFloat(RandomMatrix(30, 3, 1));
        var labels = Enumerable.Range(0, 30).Select(i => i % 5 < 2 ? 4 : 9).ToArray();
        for (int i = 0; i < 30; i++) if (labels[i] == 9) z[i, 0] += 2;
        return new Dataset(MixtureDenoiserTests.Flatten(z), 30, 3, labels, name: "labelled");
    }

    private static Tensor Rows(Dataset data, int label) =>
        torch.tensor(Enumerable.Range(0, data.Count).Where(i => data.Labels![i] == label).SelectMany(i => data.Row(i).ToArray()).Select(v => (double)v).ToArray())
            .reshape(-1, data.Dimension);

    [Fact]
    public void Empirical_IsTheEmpiricalDenoiserOfTheClassItems()
    {
        var data = Labelled();
        var options = new EmpiricalDenoiserOptions(Precision.Float64);
        using var conditional = ClassConditional.Empirical(data, 9, options);
        using var rows = Rows(data, 9);
        using var direct = new EmpiricalDenoiser(rows, options);
        Assert.Equal(18, conditional.Count);
        using var x = torch.tensor(RandomMatrix(4, 3, 2, 2.0));
        Assert.True((conditional.Denoise(x, 0.3) - direct.Denoise(x, 0.3)).abs().max().item<double>() < 1e-14);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.6)]
    [InlineData(2.0)]
    public void Empirical_ClassDenoisersRecombineIntoTheFullDenoiser(double t)
    {
        // P_t = Σ_c π_c P_t(·|c) with π_c = n_c/n, so D = Σ_c p(c|x) D_c with p(c|x) = π_c P_t(x|c)/P_t(x). Exact; float64.
        var data = Labelled();
        var options = new EmpiricalDenoiserOptions(Precision.Float64);
        using var all = new EmpiricalDenoiser(data, options);
        using var d4 = ClassConditional.Empirical(data, 4, options);
        using var d9 = ClassConditional.Empirical(data, 9, options);
        using var x = torch.tensor(RandomMatrix(5, 3, 3, 2.0));
        using var l4 = d4.LogDensity(x, t) + Math.Log(ClassConditional.Prior(data, 4));
        using var l9 = d9.LogDensity(x, t) + Math.Log(ClassConditional.Prior(data, 9));
        using var p = torch.stack([l4, l9], 1).softmax(1);
        using var combined = p[.., 0].unsqueeze(1) * d4.Denoise(x, t) + p[.., 1].unsqueeze(1) * d9.Denoise(x, t);
        Assert.True((combined - all.Denoise(x, t)).abs().max().item<double>() < 1e-12);
        using var logMix = torch.stack([l4, l9], 1).logsumexp(1);
        Assert.True((logMix - all.LogDensity(x, t)).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void GaussianAndOneComponentMixture_AreTheGaussianOfTheClass()
    {
        var data = Labelled();
        using var rows = Rows(data, 4);
        using var m = rows.mean([0]);
        using var c = (rows - m).t().mm(rows - m) / rows.shape[0];
        using var direct = new GaussianDenoiser(m, c);
        using var gauss = ClassConditional.Gaussian(data, 4);
        using var mix = ClassConditional.Mixture(data, 4, new MixtureOptions(Components: 1, Covariance: MixtureCovariance.Full));
        using var x = torch.tensor(RandomMatrix(4, 3, 4));
        using var expected = direct.Denoise(x, 0.4);
        Assert.True((gauss.Denoise(x, 0.4) - expected).abs().max().item<double>() < 1e-10);
        Assert.True((mix.Denoise(x, 0.4) - expected).abs().max().item<double>() < 1e-10);
    }

    [Fact]
    public void Prior_IsTheClassShare()
    {
        var data = Labelled();
        Assert.Equal(12 / 30.0, ClassConditional.Prior(data, 4), 15);
        Assert.Equal(18 / 30.0, ClassConditional.Prior(data, 9), 15);
    }

    [Fact]
    public void UnlabelledDataOrAbsentClass_Throw()
    {
        var data = Labelled();
        var unlabelled = new Dataset(data.ToArray(), 30, 3);
        Assert.Throws<ArgumentException>(() => ClassConditional.Empirical(unlabelled, 4));
        var absent = Assert.Throws<ArgumentOutOfRangeException>(() => ClassConditional.Gaussian(data, 5));
        Assert.Equal("label", absent.ParamName);
        Assert.Contains("5", absent.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassConditional.Mixture(data, 4, new MixtureOptions(Components: 13))); // k > n_c = 12
    }
}
