using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Cli;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Tests.Analysis;

public class CompareScoresExperimentTests
{
    private static readonly DataRequest TwoCluster = new("two-cluster:d=4,n=60,mu=1,sigma=1,seed=3");

    private static CompareScoresOptions Options => new(ApproximationSpec.ParseList("gaussian,mixture:2,empirical", 5, 50),
        TFrom: 0.05, TTo: 4.0, Times: 4, Sampling: new ExplainedVarianceOptions(Samples: 64, Batch: 32, Seed: 5), Precision: Precision.Float64);

    [Fact]
    public void Run_WithoutTheCli_EmpiricalIsExact_GaussianExplainsTheScoreAtLargeT_AndTheTheoryIsAttached()
    {
        var data = TwoCluster.Load();
        var r = CompareScoresExperiment.Run(new CompareScoresInputs(data), Options);
        Assert.Equal(["gaussian", "mixture:2:lowrank:64", "empirical"], r.Approximations.Select(a => a.Name));
        Assert.All(r.Approximations[2].Curve, p => Assert.Equal(1.0, p.Ev)); // the reference compared with itself
        var gaussian = r.Approximations[0].Curve;
        Assert.True(gaussian[^1].Ev > 0.99, $"EV(t = 4) of the Gaussian = {gaussian[^1].Ev}"); // Wang & Vastola: Gaussian at high noise
        Assert.True(gaussian[0].Ev < gaussian[^1].Ev, "EV of the Gaussian must fall towards small t");
        Assert.NotNull(r.GaussianAsymptote);
        Assert.Contains(r.GaussianAsymptote!.Curve, p => p.T == gaussian[^1].T); // the theory grid holds the measured times
    }

    [Fact]
    public void Run_GivesTheNumbersOfTheCommand()
    {
        string outDir = Path.Combine(Path.GetTempPath(), "diffdyn-ev-" + Guid.NewGuid().ToString("N"));
        try
        {
            int code = CliApp.Run(["compare-scores", "--data", TwoCluster.Spec, "--approx", "gaussian,mixture:2,empirical", "--t-from", "0.05", "--t-to", "4",
                "--times", "4", "--samples", "64", "--batch", "32", "--seed", "5", "--kmeans-iterations", "50", "--precision", "float64", "--out", outDir],
                new StringWriter(), new StringWriter());
            Assert.Equal(0, code);
            var fromCli = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(outDir, "compare-scores.json")));
            var data = (TwoCluster with { Seed = 5 }).Load();
            var r = CompareScoresExperiment.Run(new CompareScoresInputs(data), Options);
            var cliCurves = fromCli.GetProperty("approximations").EnumerateArray().ToArray();
            for (int a = 0; a < r.Approximations.Count; a++)
                Assert.Equal(cliCurves[a].GetProperty("curve").EnumerateArray().Select(p => p.GetProperty("ev").GetDouble()), r.Approximations[a].Curve.Select(p => p.Ev));
        }
        finally
        {
            if (Directory.Exists(outDir)) Directory.Delete(outDir, true);
        }
    }

    [Fact]
    public void Check_RefusesMoreComponentsThanPoints()
    {
        var data = new DataRequest("points:-1,1").Load();
        var e = Assert.Throws<ArgumentException>(() => CompareScoresExperiment.Check(new CompareScoresInputs(data), new(ApproximationSpec.ParseList("mixture:5", 0, 10))));
        Assert.Contains("k = 5", e.Message);
    }
}
