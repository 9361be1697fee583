using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Tests.Data;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;

namespace DiffusionDynamics.Tests.Analysis;

public class CompareScoresResultTests
{
    /// <summary>A small seeded comparison: empirical reference, its Gaussian and a 3-component mixture, 5 times.</summary>
    private static CompareScoresResult SmallResult()
    {
        using var a = torch.tensor(RandomMatrix(60, 3, 1));
        using var emp = new EmpiricalDenoiser(a);
        using var gauss = GaussianDenoiser.FromData(new DiffusionDynamics.Data.Dataset(a.to_type(torch.ScalarType.Float32).data<float>().ToArray(), 60, 3));
        using var mix = MixtureDenoiser.Fit(a, new MixtureOptions(Components: 3, Rank: 2));
        var times = ExplainedVariance.LogSpacedTimes(0.01, 4, 5);
        var curves = ExplainedVariance.Compute(emp, [new("gaussian", gauss), new("mixture:3", mix)], a, times, new ExplainedVarianceOptions(Samples: 32, Seed: 2));
        double kappa = ExplainedVariance.ThirdCumulantNormSquared(a);
        var theory = new GaussianDeficitTheory(kappa, times.Select(t => new TheoryPoint(t, ExplainedVariance.GaussianDeficitAsymptote(kappa, gauss.Eigenvalues, 3, t))).ToArray());
        return new CompareScoresResult("OU time t", new ExplainedVarianceData("test", 60, 3, "the training set (n = 60)", 60), "exact empirical score", 32, 2, curves, 0.1, theory);
    }

    [Fact]
    public void Result_RoundTripsThroughJson_AndTheFiguresDrawFromTheRecordAlone()
    {
        var result = SmallResult();
        string json = JsonSerializer.Serialize(result, RunManifest.JsonOptions);
        var back = JsonSerializer.Deserialize<CompareScoresResult>(json, RunManifest.JsonOptions)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, RunManifest.JsonOptions));
        Assert.Equal(result.Approximations[1].TimeBelow90, back.Approximations[1].TimeBelow90);

        using var dir = new TempDirectory();
        var figures = CompareScoresFigures.WriteAll(back, dir.Path);
        Assert.Equal(["explained-variance.png", "unexplained-variance.png"], figures.Select(f => f.File));
        foreach (var (file, caption) in figures)
        {
            Assert.True(new FileInfo(dir.File(file)).Length > 1000, file);
            Assert.True(File.Exists(dir.File(Path.ChangeExtension(file, ".svg"))), file);
            Assert.Contains("EV", caption);
        }
    }

    [Fact]
    public void MixtureAndSamplingOptions_RoundTripThroughJson()
    {
        var mixture = new MixtureOptions(Components: 7, Covariance: MixtureCovariance.Isotropic, Rank: 3, MaxIterations: 9, Seed: 11);
        Assert.Equal(mixture, JsonSerializer.Deserialize<MixtureOptions>(JsonSerializer.Serialize(mixture, RunManifest.JsonOptions), RunManifest.JsonOptions));
        Assert.Contains("\"Isotropic\"", JsonSerializer.Serialize(mixture, RunManifest.JsonOptions)); // enums as names
        var sampling = new ExplainedVarianceOptions(Samples: 17, Batch: 5, Seed: 3);
        Assert.Equal(sampling, JsonSerializer.Deserialize<ExplainedVarianceOptions>(JsonSerializer.Serialize(sampling, RunManifest.JsonOptions), RunManifest.JsonOptions));
    }
}
