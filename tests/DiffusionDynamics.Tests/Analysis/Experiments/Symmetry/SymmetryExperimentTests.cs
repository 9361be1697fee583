using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Tests.Analysis;

public class SymmetryExperimentTests
{
    [Fact]
    public void Run_OnTwoPoints_WithoutTheCli_FindsTheClosedFormCriticalTime()
    {
        var (data, truth) = new DataRequest("points:-1,1").LoadWithTruth();
        var options = new SymmetryOptions(new SymmetryBreakingOptions(Times: 20));
        var r = SymmetryExperiment.Run(new SymmetryInputs(data, truth), options);
        double closed = -0.5 * Math.Log(Math.Sqrt(2) - 1); // two points ±1, SDE drift (Raya & Ambrogioni)
        Assert.Equal(closed, r.CriticalTime!.Value, 1e-6);
        Assert.Equal(closed, r.CriticalTimeClosedForm!.Value, 12);
        Assert.StartsWith("exact empirical score (float64)", r.Score); // n·d ≤ 10⁶: float64 chosen
    }

    [Fact]
    public void Prepare_ChoosesScorePrecisionAndModel_FromTheOptions()
    {
        var (data, truth) = new DataRequest("two-cluster:d=8,n=100,mu=1,sigma=1,seed=1").LoadWithTruth();
        var analysis = new SymmetryBreakingOptions(Times: 5);
        using (var s = SymmetryExperiment.Prepare(new(data, truth), new(analysis, SymmetryScore.TwoCluster)))
        {
            Assert.IsType<TwoClusterDenoiser>(s.Denoiser);
            Assert.DoesNotContain("n → ∞", s.Model!.Label);
        }
        using (var s = SymmetryExperiment.Prepare(new(data, truth), new(analysis, SymmetryScore.Empirical, Precision.Float32)))
        {
            Assert.Equal(Precision.Float32, s.Precision);
            Assert.EndsWith("n → ∞", s.Model!.Label);
        }
        using (var s = SymmetryExperiment.Prepare(new(data, truth), new(analysis, SymmetryScore.Gaussian)))
            Assert.IsType<GaussianDenoiser>(s.Denoiser);
        var points = new DataRequest("points:-1,1").LoadWithTruth();
        Assert.Throws<ArgumentException>(() => SymmetryExperiment.Prepare(new(points.Data, points.Truth), new(analysis, SymmetryScore.TwoCluster)));
    }
}
