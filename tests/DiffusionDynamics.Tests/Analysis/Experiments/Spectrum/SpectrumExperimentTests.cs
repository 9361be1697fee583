using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Analysis;

public class SpectrumExperimentTests
{
    [Fact]
    public void TrainingSets_RegenerateALinearManifoldPerSize_AndSubsampleOtherData()
    {
        var (data, truth) = new DataRequest("manifold:d=10,n=80,stds=2x1;rest0.01").LoadWithTruth();
        var sets = SpectrumExperiment.TrainingSets(data, truth, [20, 80, 200], countGiven: false, seed: 0);
        Assert.Equal([20, 80, 200], sets.Select(s => s.Data.Count));
        Assert.Same(data, sets[1].Data);
        var plain = new DataRequest("two-cluster:d=3,n=50").Load();
        Assert.Equal(10, SpectrumExperiment.TrainingSets(plain, null, [10], false, 0)[0].Data.Count);
        Assert.Throws<ArgumentException>(() => SpectrumExperiment.TrainingSets(plain, null, [60], false, 0));
    }

    [Fact]
    public void Run_WithoutTheCli_CarriesTheTheoryCurveOfTheFigure_ThroughJson()
    {
        var (data, truth) = new DataRequest("manifold:d=12,n=200,stds=2x1;rest0.01", Seed: 3).LoadWithTruth();
        var trainings = SpectrumExperiment.TrainingSets(data, truth, [50, 200], false, 3);
        var options = new JacobianSpectrumSweepOptions(Points: 3, Times: 6, Seed: 3);
        var r = SpectrumExperiment.Run(new SpectrumInputs(trainings, truth as LinearManifoldData, "test"), options);
        var s = r.Sizes[1];
        var curve = s.TheoryTangentCurve!;
        Assert.Equal(SpectrumSizeResult.TheoryPoints, curve.Count);
        Assert.Equal(s.Curve.Min(c => c.T), curve[0].T, 12);
        Assert.Equal(s.Curve.Max(c => c.T), curve[^1].T, 12);
        var stds = s.Thresholds!.SelectMany(th => Enumerable.Repeat(th.Std, th.Count)).ToArray();
        Assert.All(curve, p => Assert.Equal(ManifoldLoss.PredictedTangentDimension(stds, s.N, p.T, s.CollapseTime!.Value), p.Value));
        // Re-plotting from the JSON sees the same curve.
        var back = JsonSerializer.Deserialize<SpectrumResult>(JsonSerializer.Serialize(r, RunManifest.JsonOptions), RunManifest.JsonOptions)!;
        Assert.Equal(curve.Select(p => p.Value), back.Sizes[1].TheoryTangentCurve!.Select(p => p.Value));
        // The exact empirical score of a 2-D manifold in d = 12 resolves the manifold: the tangent dimension reaches 2 somewhere.
        Assert.Contains(s.Curve, c => c.TangentDimension >= 1.5);
    }
}
