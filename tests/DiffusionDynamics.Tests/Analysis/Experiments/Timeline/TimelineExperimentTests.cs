using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Analysis;

/// <summary>
/// <see cref="TimelineExperiment"/> on the two-cluster model, whose speciation, collapse and symmetry-breaking times have closed forms
/// (Biroli et al. 2024; Raya &amp; Ambrogioni 2023), called from the library without the CLI.
/// </summary>
public class TimelineExperimentTests(ITestOutputHelper output)
{
    private static TimelineOptions Small(long seed = 0) => new(
        Regimes: TimelineOptions.DefaultRegimes with { Pairs = 32, BranchCount = 6, Steps = 60, EntropySamples = 256, EntropyTimes = 6, Bootstrap = 50 },
        Symmetry: TimelineOptions.DefaultSymmetry with { Times = 10 },
        Modes: TimelineOptions.DefaultModes with { Trajectories = 16, Steps = 60, Modes = 2, Bootstrap = 50 },
        ExplainedVarianceSamples: 32, ExplainedVariancePoints: 6, Seed: seed);

    private static TimelineResult RunTwoCluster(long seed = 0)
    {
        var (data, truth) = new DataRequest("two-cluster:d=100,n=1000,mu=0.3,sigma=1,seed=1").LoadWithTruth();
        return TimelineExperiment.Run(new TimelineInputs(data, truth), Small(seed));
    }

    [Fact]
    public void TwoCluster_EveryTimeIsMeasured_AndLiesNearItsClosedForm()
    {
        // Tolerances: the finite-n (n = 1000, d = 100) two-cluster data differ from the n → ∞ closed forms by O(0.05–0.1) in t,
        // and the reduced runs carry standard errors of O(0.05–0.1); each measured time must lie within 3 standard errors + 0.3
        // of its closed form (0.1 for the symmetry-breaking time, which has no sampling error).
        var r = RunTwoCluster();
        foreach (var e in r.Events) output.WriteLine($"{e.Key}: {TimelineWriter.WithError(e.Measured, e.Error)} vs {e.TheoryLabel} {e.Theory:F4}");
        string[] keys = ["speciation.cloning", "collapse.entropy", "collapse.last-change", "symmetry.critical", "mode.1", "mode.2", "gaussian.hand-over", "classes.decision"];
        Assert.Equal(keys, r.Events.Select(e => e.Key));
        Assert.All(r.Events, e => Assert.True(e.Measured is > 0, $"{e.Key} not measured: {e.Note}"));
        foreach (var key in new[] { "speciation.cloning", "collapse.entropy", "collapse.last-change", "classes.decision" })
        {
            var e = r.Events.Single(x => x.Key == key);
            Assert.True(Math.Abs(e.Measured!.Value - e.Theory!.Value) <= 3 * (e.Error ?? 0) + 0.3, $"{key}: {e.Measured} vs {e.Theory}");
        }
        var ssb = r.Events.Single(x => x.Key == "symmetry.critical");
        Assert.True(Math.Abs(ssb.Measured!.Value - ssb.Theory!.Value) <= 0.1, $"t_c = {ssb.Measured} vs {ssb.Theory}");
        // Regimes are ordered as the theory says: speciation before (larger t than) collapse — within the errors, since here the closed
        // forms are close (t_S = 1.16, t_C = 1.05) and the reduced cloning run carries ± 0.17 on t_S.
        var speciation = r.Events.Single(x => x.Key == "speciation.cloning");
        var collapse = r.Events.Single(x => x.Key == "collapse.entropy");
        Assert.True(speciation.Measured + 3 * (speciation.Error ?? 0) > collapse.Measured - 3 * (collapse.Error ?? 0),
            $"t_S {speciation.Measured} ± {speciation.Error} vs t_C {collapse.Measured} ± {collapse.Error}");
        Assert.Equal("OU time t", r.Clock);
        Assert.Empty(r.NotCovered);
        // The class decision on the labelled two-cluster data: the composed entropy analysis, its peak beside the closed-form peak.
        var decision = r.Events.Single(x => x.Key == "classes.decision");
        Assert.NotNull(r.ClassDecision);
        Assert.Equal(r.ClassDecision!.Peak.T, decision.Measured);
        Assert.Equal(r.ClassDecision.Peak.Theory, decision.Theory);
        Assert.StartsWith("two-cluster closed form", decision.TheoryLabel);
    }

    [Fact]
    public void SameSeed_GivesTheSameTimeline()
    {
        var a = RunTwoCluster(seed: 4);
        var b = RunTwoCluster(seed: 4);
        Assert.Equal(a.Events.Select(e => e.Measured), b.Events.Select(e => e.Measured));
    }

    [Fact]
    public void Result_SerializesToJson_WithTheEventsAndTheComposedResults()
    {
        var r = RunTwoCluster();
        using var json = JsonDocument.Parse(JsonSerializer.Serialize(r, RunManifest.JsonOptions));
        var root = json.RootElement;
        foreach (var key in new[] { "clock", "data", "score", "events", "regimes", "symmetry", "handOver", "modeEmergence", "notCovered", "run" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.Equal(r.Events.Count, root.GetProperty("events").GetArrayLength());
    }

    [Fact]
    public void InvalidOptions_NameTheValue()
    {
        Assert.Equal("ExplainedVarianceThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => new TimelineOptions(ExplainedVarianceThreshold: 1).Validate()).ParamName);
        Assert.Equal("ExplainedVarianceSamples", Assert.Throws<ArgumentOutOfRangeException>(() => new TimelineOptions(ExplainedVarianceSamples: 2).Validate()).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimelineOptions(Regimes: TimelineOptions.DefaultRegimes with { Pairs = 1 }).Validate());
    }

    [Fact]
    public void UnlabelledData_HaveNoClassDecision_AndSayWhy()
    {
        var (data, _) = new DataRequest("two-cluster:d=20,n=200,mu=0.4,sigma=1,seed=2").LoadWithTruth();
        var unlabelled = new Dataset(data.Values.ToArray(), data.Count, data.Dimension, name: "unlabelled");
        Assert.Null(TimelineExperiment.ClassDecision(new TimelineInputs(unlabelled), Small()));
        var r = TimelineExperiment.Run(new TimelineInputs(unlabelled), Small());
        var decision = r.Events.Single(x => x.Key == "classes.decision");
        Assert.Null(decision.Measured);
        Assert.Contains("no labels", decision.Note);
        Assert.Null(r.ClassDecision);
    }

    [Fact]
    public void PeakError_IsTheGridResolution_WithoutNoise_AndGrowsWithTheRatesStandardErrors()
    {
        // Exact rates: the argmax never moves, the error is the resolution Δt/√12 of a peak located on the grid (local spacing 0.1).
        EntropyPoint P(double t, double rate, double se) => new(t, 0, 0, rate, se, null, null, null);
        EntropyPoint[] exact = [P(0.5, 1, 0), P(0.4, 3, 0), P(0.3, 2, 0), P(0.2, 1, 0)];
        Assert.Equal(0.1 / Math.Sqrt(12), TimelineExperiment.PeakError(exact, 0), 12);
        // Two equal rates 0.1 apart with large errors: the argmax is either, each about half the time: spread ≈ 0.05.
        EntropyPoint[] flat = [P(0.5, 0, 0), P(0.4, 3, 1), P(0.3, 3, 1), P(0.2, 0, 0)];
        double spread = TimelineExperiment.PeakError(flat, 0);
        Assert.InRange(spread, 0.045, 0.05); // a Bernoulli(½) of 0.1: sd 0.05; 200 draws: sample sd within ~0.005 of it
        Assert.Equal(spread, TimelineExperiment.PeakError(flat, 0)); // seeded
        Assert.Throws<ArgumentException>(() => TimelineExperiment.PeakError([], 0));
    }

    [Fact]
    public void HandOverError_IsTheEvStandardErrorOverTheLocalSlope()
    {
        var skip = new SkipTime(0.5, "rule", 0.9, 0.3, [new ExplainedVariancePoint(0.4, 0.8, 0.01, 1), new ExplainedVariancePoint(0.6, 1.0, 0.01, 1)]);
        Assert.Equal(0.01 / 1.0, TimelineExperiment.HandOverError(skip, 0.9)!.Value, 12);   // slope (1.0 − 0.8)/0.2 = 1
        Assert.Null(TimelineExperiment.HandOverError(skip with { Curve = [new ExplainedVariancePoint(0.4, 0.95, 0.01, 1)] }, 0.9));
    }
}
