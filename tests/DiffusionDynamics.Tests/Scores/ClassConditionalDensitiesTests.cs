using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class ClassConditionalDensitiesTests
{
    [Fact]
    public void TwoCluster_LogOdds_Equal2MxOverGamma_AndDenoiserMatchesTwoClusterDenoiser()
    {
        using var m = torch.tensor(new double[] { 1.0, -0.5, 2.0 });
        double sigma = 0.7, t = 0.4;
        using var model = ClassConditionalDensities.TwoCluster(m, sigma);
        using var reference = new TwoClusterDenoiser(m, sigma);
        using var x = torch.tensor(new double[] { 0.3, -1.2, 0.5, 2.0, 0.1, -0.4, -0.7, 0.9, 1.1, 0.0, -2.2, 0.6, 1.5, 1.5, -0.3 }).reshape(5, 3);
        using var logP = model.LogClassPosterior(x, t);
        double gamma = DiffusionDynamics.Time.OuTime.Delta(t) + sigma * sigma * Math.Exp(-2 * t);
        using var expected = x.mv(m) * (2 * Math.Exp(-t) / gamma);
        Assert.True((logP[.., 1] - logP[.., 0] - expected).abs().max().item<double>() < 1e-10);
        Assert.True((model.Denoise(x, t) - reference.Denoise(x, t)).abs().max().item<double>() < 1e-10);
        Assert.Equal([0, 1], model.Classes);
        Assert.True(((IDenoiser)model).Has<IClassPosterior>());
    }

    [Fact]
    public void InvalidPriorsAndAbsentClass_Throw()
    {
        using var m = torch.tensor(new double[] { 1.0 });
        using var model = ClassConditionalDensities.TwoCluster(m, 0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ForClass(3));
        Assert.Equal("priors", Assert.Throws<ArgumentException>(() => new ClassConditionalDensities([0, 1], [0.2, 0.2],
            [model.ForClass(0), model.ForClass(1)])).ParamName);
    }
}
