using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using TorchSharp;

namespace DiffusionDynamics.Tests.Analysis;

public class NegativeGuidanceExperimentTests
{
    private static (ClassConditionalDensities Model, Dataset Data, Dataset HeldOut) TwoCluster()
    {
        var train = (TwoClusterData)DataSource.Generate("two-cluster:d=2,n=2000,mu=1,sigma=0.5,seed=3");
        var heldOut = DataSource.Generate("two-cluster:d=2,n=2000,mu=1,sigma=0.5,seed=4");
        return (ClassConditionalDensities.TwoCluster(torch.tensor(train.M), 0.5), train.Data, heldOut.Data);
    }

    [Fact]
    public void TwoCluster_DynamicGuidance_RemovesTheClass_WhileStaticLeaksOrDistorts()
    {
        var (model, data, heldOut) = TwoCluster();
        using var _ = model;
        var result = NegativeGuidanceExperiment.Run(new NegativeGuidanceInputs(model, data, heldOut, Priors: [0.5, 0.5]),
            new NegativeGuidanceOptions(Forbidden: 1, Lambda: 1, Sweep: [4], Samples: 400, Batch: 200, Steps: 100));
        var none = result.Modes.Single(m => m.Mode == "none");
        var dynamic = result.Modes.Single(m => m.Mode == "dynamic" && m.Lambda == 1);
        var staticSame = result.Modes.Single(m => m.Mode == "static" && m.Lambda == 1);
        var staticLarge = result.Modes.Single(m => m.Mode == "static" && m.Lambda == 4);
        var dynamicLarge = result.Modes.Single(m => m.Mode == "dynamic" && m.Lambda == 4);
        string numbers = string.Join("; ", result.Modes.Select(m => $"{m.Mode} λ={m.Lambda}: share {m.ForbiddenShare:F3}±{m.ForbiddenShareStderr:F3}, collateral {m.Collateral:F3}, FD {m.Frechet:F3}, KL {m.KlToTarget:F4}"));
        Console.WriteLine(numbers + $"; tracking max {result.Tracking!.MaxAbsError:F3} mean {result.Tracking.MeanAbsError:F4}; accuracy {result.ClassifierAccuracy:F3}");
        Assert.InRange(none.ForbiddenShare, 0.4, 0.6);
        Assert.True(result.ClassifierAccuracy > 0.95);
        // Dynamic at λ = 1: the class is gone (within 4 SE of 0; the SE floor is √(1/S)/√S for a zero count).
        Assert.True(dynamic.ForbiddenShare <= 4 * dynamic.ForbiddenShareStderr, numbers);
        // Static at the same λ leaks: a share far above the dynamic one.
        Assert.True(staticSame.ForbiddenShare > dynamic.ForbiddenShare + 0.05, numbers);
        // Static at large λ removes the class only by distorting: its kept samples move further from their twins than dynamic's, and FD grows.
        Assert.True(staticLarge.Collateral > 2 * dynamicLarge.Collateral, numbers);
        Assert.True(staticLarge.Frechet > dynamic.Frechet, numbers);
        // The tracked p follows the exact posterior.
        Assert.True(result.Tracking.MeanAbsError < 0.05, numbers);
    }

    [Fact]
    public void InvalidInputs_GiveClearErrors()
    {
        var (model, data, heldOut) = TwoCluster();
        using var _ = model;
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new NegativeGuidanceOptions(1, Lambda: -1).Validate()).ParamName);
        Assert.Equal("pMin", Assert.Throws<ArgumentOutOfRangeException>(() => new NegativeGuidanceOptions(1, PMin: 0.5, PMax: 0.4).Validate()).ParamName);
        Assert.Equal("Sampler", Assert.Throws<ArgumentException>(() => new NegativeGuidanceOptions(1, Sampler: SamplerKind.OdeHeun).Validate()).ParamName);
        var absent = Assert.Throws<ArgumentOutOfRangeException>(() => NegativeGuidanceExperiment.Run(new NegativeGuidanceInputs(model, data, heldOut), new NegativeGuidanceOptions(7, Samples: 4)));
        Assert.Contains("absent", absent.Message);
        var one = data.FilterClasses(1);
        using var oneModel = new ClassConditionalEmpirical(one);
        Assert.Contains("one class", Assert.Throws<ArgumentException>(() => NegativeGuidanceExperiment.Run(new NegativeGuidanceInputs(oneModel, one, heldOut.FilterClasses(1)), new NegativeGuidanceOptions(1, Samples: 4))).Message);
    }

    [Fact]
    public void GuidanceDecorator_DropsInnerCapabilities_AndIsExactWithTheTruePosterior()
    {
        var (model, _, _) = TwoCluster();
        using var __ = model;
        var guided = new NegativeGuidance(model, model.ForClass(1), new ExactForbiddenProbability(model, 1), lambda: 1, pMin: 0, pMax: 0.999999);
        Assert.False(guided.Has<IClassPosterior>());
        Assert.False(guided.Has<ILogDensity>());
        using var x = torch.tensor(new double[] { 0.3, -0.2, -1.0, 0.5, 0.8, 0.9 }).reshape(3, 2);
        using var expected = model.ForClass(0).Denoise(x, 0.7);
        using var actual = guided.Denoise(x, 0.7);
        Assert.True((expected - actual).abs().max().item<double>() < 1e-9);
    }
}
