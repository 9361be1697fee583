using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using TorchSharp;

namespace DiffusionDynamics.Tests.Analysis;

public class ClassEntropyAnalysisTests
{
    private static (ClassConditionalDensities Model, Dataset Data, TwoClassModel Theory) TwoCluster(int d, double mu, double sigma, int n = 2000)
    {
        var synthetic = DataSource.Generate($"two-cluster:d={d},n={n},mu={mu},sigma={sigma},seed=3");
        var centre = ((TwoClusterData)synthetic).M;
        var model = ClassConditionalDensities.TwoCluster(torch.tensor(centre), sigma);
        double norm = Math.Sqrt(centre.Sum(v => v * v));
        return (model, synthetic.Data, new TwoClassModel(norm, sigma, "two-cluster"));
    }

    [Fact]
    public void TwoCluster_ExactPosteriorEntropy_MatchesClosedForm_Within4StandardErrors()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.5);
        using var _ = model;
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 600, Batch: 300, Steps: 100, Online: true, Immse: false, TMax: 3));
        int outside = 0;
        foreach (var p in result.Curve)
            if (Math.Abs(p.H - p.Theory!.Value) > 4 * p.Stderr + 0.01) outside++;
        Assert.True(outside <= 2, $"{outside} of {result.Curve.Count} grid times off the closed form by more than 4 SE + 0.01");
        Assert.Equal(SpeciationTime.TwoCluster(theory.MeanNorm, theory.Sigma), result.SpeciationTheory, 12);
        Assert.InRange(result.Peak.T, result.Peak.Theory!.Value - 0.35, result.Peak.Theory!.Value + 0.35);
        Assert.Equal(2, result.PerClass.Count);
        Assert.NotNull(result.Tracking);
        Assert.True(result.Tracking!.MeanAbsError < 0.05, $"online vs exact mean |Δp| = {result.Tracking.MeanAbsError}");
    }

    [Fact]
    public void OnlinePosterior_ConvergesToExact_AsTheStepShrinks()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.3);
        using var _ = model;
        var steps = new[] { 40, 80, 160, 320 };
        var errors = steps.Select(n => ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 400, Batch: 400, Steps: n, TailSteps: n / 4, Online: true, Immse: false, TMax: 7, TMin: 0.05)).Tracking!.MeanAbsError).ToArray();
        Console.WriteLine($"online vs exact mean |dp| at N = {string.Join(", ", steps)}: {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
        for (int i = 1; i < errors.Length; i++) Assert.True(errors[i] < errors[i - 1], $"errors {string.Join(", ", errors)}");
        double order = Math.Log(errors[0] / errors[^1]) / Math.Log(steps[^1] / (double)steps[0]);
        Assert.InRange(order, 0.6, 1.5);   // measured ≈ 0.9 (first order in h)
    }

    [Fact]
    public void Immse_OnAMixture_MatchesTheExactPosteriorEntropy()
    {
        var (model, data, theory) = TwoCluster(d: 3, mu: 1.0, sigma: 0.6, n: 4000);
        using var _ = model;
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 400, Batch: 400, Steps: 100, Online: false, Immse: true, ImmseSamples: 3000, TMax: 4));
        double worst = result.Curve.Max(p => Math.Abs(p.Immse!.Value - p.Theory!.Value));
        Assert.True(worst < 0.03, $"max |H_I-MMSE − H_theory| = {worst}");
        double worstExact = result.Curve.Max(p => Math.Abs(p.Immse!.Value - p.H));
        Assert.True(worstExact < 0.05, $"max |H_I-MMSE − H_exact| = {worstExact}");
    }

    [Fact]
    public void InvalidInputs_GiveClearErrors()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.5, n: 100);
        using var _ = model;
        Assert.Equal("Online", Assert.Throws<ArgumentException>(() =>
            new ClassEntropyOptions(Sampler: SamplerKind.OdeHeun).Validate()).ParamName);
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassEntropyOptions(Samples: 1).Validate()).ParamName);
        using var oneClass = new ClassConditionalEmpirical(data.FilterClasses(1));
        var e = Assert.Throws<ArgumentException>(() => ClassEntropyAnalysis.Run(new ClassEntropyInputs(oneClass, data.FilterClasses(1)), new ClassEntropyOptions(Samples: 4)));
        Assert.Contains("≥ 2 classes", e.Message);
        using var plain = new TwoClusterDenoiser(torch.tensor(new double[] { 1, 0 }), 0.5);
        Assert.Contains("class posterior", Assert.Throws<ArgumentException>(() => ClassEntropyAnalysis.Run(new ClassEntropyInputs(plain, data), new ClassEntropyOptions(Samples: 4))).Message);
    }
}
