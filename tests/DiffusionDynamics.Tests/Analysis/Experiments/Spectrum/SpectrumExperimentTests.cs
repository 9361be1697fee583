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

    [Fact]
    public void Run_OnOtherData_PredictsTheStepsOfTheGaussianWithTheTrainingCovarianceSpectrum()
    {
        // Independent oracle: the eigenvalues of the sample covariance (1/n normalization, as CovarianceSpectrum) by MathNet's EVD.
        var data = new DataRequest("gaussian:d=6,n=300,spectrum=geometric:4:0.5", Seed: 2).Load();
        var trainings = SpectrumExperiment.TrainingSets(data, null, [300], false, 2);
        var r = SpectrumExperiment.Run(new SpectrumInputs(trainings, null, "test"), new JacobianSpectrumSweepOptions(Points: 2, Times: 5, Seed: 2));
        var s = r.Sizes[0];
        var rows = Enumerable.Range(0, data.Count).Select(i => data.Row(i).ToArray().Select(v => (double)v).ToArray()).ToArray();
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(rows);
        var mean = x.ColumnSums() / data.Count;
        var centred = x - MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(data.Count, 6, (i, j) => mean[j]);
        var cov = centred.TransposeThisAndMultiply(centred) / data.Count;
        var stds = cov.Evd().EigenValues.Select(l => Math.Sqrt(Math.Max(l.Real, 0))).ToArray();
        double tc = ManifoldLoss.CollapseTime(stds, 300);
        // t_C agrees to the eigen-solver's precision (float64 both ways; 1e-6 relative covers float32 data summed in another order).
        Assert.Equal(tc, s.CollapseTime!.Value, tc * 1e-6);
        var curve = s.TheoryTangentCurve!;
        Assert.Equal(SpectrumSizeResult.TheoryPoints, curve.Count);
        // Away from the steps (where a 1e-6 relative change of an eigenvalue cannot flip the count) the steps are the oracle's.
        int Oracle(double t) => ManifoldLoss.PredictedTangentDimension(stds, 300, t, tc);
        var stable = curve.Where(p => Math.Abs(p.T - tc) > 1e-4 * tc && Oracle(p.T * 0.9999) == Oracle(p.T * 1.0001)).ToList();
        Assert.True(stable.Count > curve.Count / 2, $"only {stable.Count} of {curve.Count} points away from a step");
        Assert.All(stable, p => Assert.Equal(Oracle(p.T), p.Value));
        Assert.All(s.Curve, c => Assert.NotNull(c.PredictedTangentDimension));
        Assert.Contains(curve, p => p.Value > 0);
    }
}
