using System.Text.Json;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class AccelerateExperimentTests
{
    private static GaussianDenoiser AnisotropicGaussian()
    {
        using var m = torch.tensor(new[] { 0.5, -1.0, 2.0 });
        using var c = torch.tensor(new[,] { { 3.0, 1.2, 0.3 }, { 1.2, 1.0, -0.2 }, { 0.3, -0.2, 0.4 } });
        return new GaussianDenoiser(m, c);
    }

    [Fact]
    public void EmergenceRule_IsHalfTheLogOfOnePlusTheTopEigenvalue_ClampedToTheGrid()
    {
        using var g = AnisotropicGaussian();
        double lambdaMax = g.Eigenvalues[0];
        Assert.Equal(0.5 * Math.Log(1 + lambdaMax), AccelerationStarts.EmergenceTime(g, 10, 1e-3), 12);
        Assert.Equal(0.5, AccelerationStarts.EmergenceTime(g, 0.5, 1e-3), 12);
        // Two-cluster data: λ_max ≈ σ² + |m|² = 1 + d, so t_skip ≈ ½ ln(2 + d) ≈ t_S (sampling error of λ_max ≈ √(2/n) relative).
        var data = DataSource.Parse("two-cluster:d=16,n=4000,seed=3");
        using var fit = GaussianDenoiser.FromData(data);
        Assert.Equal(0.5 * Math.Log(18), AccelerationStarts.EmergenceTime(fit, 10, 1e-3), 1);
    }

    [Fact]
    public void ExplainedVarianceRule_WithTheGaussianItselfAsScore_SkipsToTheLowestProbe()
    {
        using var g = AnisotropicGaussian();
        using var a = g.SampleMarginal(1e-6, 200, 1).to_type(ScalarType.Float32);
        var skip = AccelerationStarts.ExplainedVarianceRule(g, g, a, 10, 1e-3, 0.99, 64, 12);
        Assert.All(skip.Curve, p => Assert.Equal(1.0, p.Ev, 10));
        Assert.Equal(skip.Curve[0].T, skip.Value, 12);
        Assert.Equal(0.01, skip.Value, 12);
    }

    [Fact]
    public void ExplainedVarianceRule_OnTwoClusterData_PicksTheCrossingOfTheThreshold()
    {
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=16,n=400,seed=2");
        using var a = truth.Data.ToTensor();
        using var exact = TwoClusterDenoiser.Uniform(16, 1, 1);
        using var g = GaussianDenoiser.FromData(truth.Data);
        var skip = AccelerationStarts.ExplainedVarianceRule(exact, g, a, 10, 1e-3, 0.99, 128, 16);
        // Every probe at or above t_skip passes, the probe just below fails, and t_skip lies between them.
        var above = skip.Curve.Where(p => p.T >= skip.Value).ToArray();
        var below = skip.Curve.Where(p => p.T < skip.Value).ToArray();
        Assert.NotEmpty(above);
        Assert.NotEmpty(below);
        Assert.All(above, p => Assert.True(p.Ev >= 0.99));
        Assert.True(below[^1].Ev < 0.99);
        Assert.InRange(skip.Value, below[^1].T, above[0].T);
        Assert.Equal(AccelerationStarts.LogSnrFraction(skip.Value, 10, 1e-3), skip.LogSnrFraction, 12);
        Assert.InRange(skip.LogSnrFraction, 0, 1);
    }

    [Fact]
    public void StepsSaved_OfACurveShiftedByAFactorTwoInNfe_IsOneHalf()
    {
        // FD linear in ln N (the interpolation is exact there): FD_acc(N) = FD_base(2N) ⇒ N′ = N/2 ⇒ saved = ½ at every point.
        static double Base(double n) => 10 - 2 * Math.Log(n);
        var baseline = new[] { 20.0, 40, 80 }.Select(n => (n, Base(n))).ToArray();
        var accelerated = new[] { 5.0, 15, 45, 135 }.Select(n => (n, Base(2 * n))).ToArray();
        var s = AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, baseline, accelerated);
        Assert.All(s.Points, p =>
        {
            Assert.Equal(SavedKind.Interpolated, p.Kind);
            Assert.Equal(0.5, p.Saved!.Value, 12);
            Assert.Equal(p.BaselineNfe / 2.0, p.EquivalentNfe!.Value, 10);
        });
        Assert.Equal(0.5, s.Median!.Value, 12);
    }

    [Fact]
    public void StepsSaved_OutsideTheSweptBudgets_AreBounds_AndMayBeNegative()
    {
        var baseline = new[] { (10.0, 5.0), (20.0, 2.0), (40.0, 0.5) };
        var better = new[] { (10.0, 0.4), (20.0, 0.3), (40.0, 0.2) };
        var worse = new[] { (10.0, 9.0), (20.0, 8.0), (40.0, 3.0) };
        var s1 = AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, baseline, better);
        Assert.All(s1.Points, p => Assert.Equal(SavedKind.AtLeast, p.Kind));
        Assert.Equal([0.0, 0.5, 0.75], s1.Points.Select(p => p.Saved!.Value).ToArray());
        Assert.Null(s1.Median);
        var s2 = AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, baseline, worse);
        // Baseline FD 5 at N = 10 is reached between 20 (8) and 40 (3): N′ = 20·2^{0.6}, saved < 0.
        var first = s2.Points[0];
        Assert.Equal(SavedKind.Interpolated, first.Kind);
        Assert.Equal(20 * Math.Pow(2, 0.6), first.EquivalentNfe!.Value, 10);
        Assert.True(first.Saved < 0);
        Assert.All(s2.Points.Skip(1), p => Assert.Equal(SavedKind.LessThan, p.Kind));
        Assert.Equal(first.Saved!.Value, s2.Median!.Value, 12);
    }

    [Fact]
    public void StepsSaved_AtBaselinePointsOnTheFloor_IsLeftOut()
    {
        // Baseline FD ≤ the floor level: any converged sampler matches it, so no saving is claimed there.
        var baseline = new[] { (10.0, 5.0), (20.0, 2.0), (40.0, 0.5) };
        var accelerated = new[] { (5.0, 6.0), (10.0, 3.0), (40.0, 0.45) };
        var s = AccelerationStepsSaved.Compute(SamplerKind.Ddim, AccelerationStart.Teleport, baseline, accelerated, floorLevel: 1.0);
        Assert.Equal([SavedKind.Interpolated, SavedKind.Interpolated, SavedKind.AtFloor], s.Points.Select(p => p.Kind).ToArray());
        Assert.Null(s.Points[2].Saved);
        Assert.Equal(1.0, s.FloorLevel);
        // FD 5 between N = 5 (6) and 10 (3): ln N′ = ln 5 + (1/3) ln 2; FD 2 between 10 (3) and 40 (0.45): ln N′ = ln 10 + (1/2.55) ln 4.
        Assert.Equal(1 - 5 * Math.Pow(2, 1 / 3.0) / 10, s.Points[0].Saved!.Value, 10);
        Assert.Equal(1 - 10 * Math.Pow(4, 1 / 2.55) / 20, s.Points[1].Saved!.Value, 10);
        Assert.Throws<ArgumentException>(() => AccelerationStepsSaved.Compute(SamplerKind.Ddim, AccelerationStart.Teleport, baseline, accelerated, double.NaN));
    }

    [Fact]
    public void NonIncreasingFit_PoolsAdjacentViolators()
    {
        Assert.Equal([3.0, 1.5, 1.5, 0.0], AccelerationStepsSaved.NonIncreasing([3.0, 1.0, 2.0, 0.0]));
        Assert.Equal([2.0, 2.0, 2.0], AccelerationStepsSaved.NonIncreasing([1.0, 2.0, 3.0]));
        Assert.Equal([5.0, 4.0, 1.0], AccelerationStepsSaved.NonIncreasing([5.0, 4.0, 1.0]));
    }

    [Fact]
    public void StepsSaved_BadCurves_Throw()
    {
        var ok = new[] { (10.0, 1.0), (20.0, 0.5) };
        Assert.Throws<ArgumentException>(() => AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, [(10.0, 1.0)], ok));
        Assert.Throws<ArgumentException>(() => AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, ok, [(10.0, double.NaN), (20.0, 1.0)]));
        Assert.Throws<ArgumentException>(() => AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, ok, [(10.0, 1.0), (10.0, 2.0)]));
        Assert.Throws<ArgumentException>(() => AccelerationStepsSaved.Compute(SamplerKind.OdeEuler, AccelerationStart.Teleport, ok, [(0.0, 1.0), (10.0, 2.0)]));
    }

    [Fact]
    public void Budgets_MapToStepsThatNeverExceedTheNfe()
    {
        Assert.Equal(9, AccelerateExperiment.StepsFor(SamplerKind.EulerMaruyama, 10));
        Assert.Equal(10, AccelerateExperiment.NfeOf(SamplerKind.EulerMaruyama, 9));
        Assert.Equal(4, AccelerateExperiment.StepsFor(SamplerKind.OdeHeun, 10));
        Assert.Equal(9, AccelerateExperiment.NfeOf(SamplerKind.OdeHeun, 4));
        foreach (var kind in new[] { SamplerKind.EulerMaruyama, SamplerKind.OdeEuler, SamplerKind.OdeHeun })
            for (int n = 3; n < 60; n++) Assert.InRange(AccelerateExperiment.NfeOf(kind, AccelerateExperiment.StepsFor(kind, n)), n - 1, n);
        var grid = AccelerateExperiment.Grid(AccelerationGrid.LogSnr, 10, 1e-3, 9);
        Assert.Equal(10, grid.Start, 12);
        Assert.Equal(1e-3, grid.End, 12);
        Assert.Equal(9, grid.Steps);
        Assert.Equal(2.0, AccelerateExperiment.Grid(AccelerationGrid.Karras, 2.0, 1e-3, 5).Start, 9);
    }

    private static AccelerateOptions Small => new()
    {
        Samplers = [SamplerKind.EulerMaruyama, SamplerKind.OdeHeun, SamplerKind.DpmSolver2M],
        Nfe = [5, 11],
        Samples = 48,
        Bootstrap = 10,
        ExplainedVarianceSamples = 32,
        FloorSubsets = 3,
        Seed = 5,
    };

    [Fact]
    public void Sweep_IsReproducible_AndDoesNotDependOnTheBatchSize()
    {
        var data = DataSource.Parse("two-cluster:d=4,n=200,seed=1");
        var reference = AccelerationReference.Resolve(new DataRequest("two-cluster:d=4,n=200,seed=1"), size: 300);
        var a = AccelerateExperiment.Run(data, reference, Small with { Batch = 48 });
        var b = AccelerateExperiment.Run(data, reference, Small with { Batch = 7 });
        Assert.Equal(3 * 3 * 2, a.Runs.Count);
        Assert.Equal(3 * 2, a.StepsSaved.Count);
        Assert.Equal([5, 11, 5, 11, 5, 11], a.Runs.Where(r => r.Start == AccelerationStart.Baseline).Select(r => r.Nfe).ToArray());
        Assert.Contains("emergence", a.TSkip.Rule);
        Assert.NotEmpty(a.TSkip.Curve);
        Assert.Equal(a.TSkip.Value, b.TSkip.Value);
        // Per-sample streams: only GEMM blocking may change with the batch (float32 round-off in FDs of O(1)).
        foreach (var (x, y) in a.Runs.Zip(b.Runs))
        {
            Assert.Equal(x.Fd, y.Fd, 3);
            Assert.Equal(x.MemorizedFraction, y.MemorizedFraction);
        }
        Assert.All(a.Runs, r => Assert.True(double.IsFinite(r.Fd) && r.Fd >= 0 && double.IsFinite(r.FdStderr)));
        Assert.All(a.Runs.Where(r => r.Start != AccelerationStart.Baseline), r => Assert.Equal(a.TSkip.Value, r.StartTime));
        var again = AccelerateExperiment.Run(data, reference, Small with { Batch = 48 });
        Assert.Equal(a.Runs.Select(r => r.Fd), again.Runs.Select(r => r.Fd));
    }

    [Fact]
    public void Sweep_TeleportToTheStartTime_ReproducesTheBaseline()
    {
        // With t_skip = T the Gaussian jump is the identity (ψ_k = 1) and the grid is the baseline's: same samples, same FD.
        var data = DataSource.Parse("two-cluster:d=4,n=200,seed=1");
        var reference = AccelerationReference.Resolve(new DataRequest("two-cluster:d=4,n=200,seed=1"), size: 300);
        var r = AccelerateExperiment.Run(data, reference, Small with { TSkip = 10, Accelerations = [AccelerationStart.Teleport] });
        foreach (var b in r.Runs.Where(x => x.Start == AccelerationStart.Baseline))
        {
            var t = r.Runs.Single(x => x.Start == AccelerationStart.Teleport && x.Sampler == b.Sampler && x.Nfe == b.Nfe);
            Assert.Equal(b.Fd, t.Fd, 9);
        }
    }

    [Fact]
    public void Sweep_WithTheExactAnalyticScore_ReachesTheFloorWithinItsSpread()
    {
        // Two-cluster population score, Heun with 99 NFE: the samples are draws of the population up to discretization error,
        // so their FD to fresh draws must lie within 4 floor sd of the floor (measured on training subsets of the same size).
        var data = DataSource.Parse("two-cluster:d=4,n=1600,seed=2");
        var reference = AccelerationReference.Resolve(new DataRequest("two-cluster:d=4,n=1600,seed=2"), size: 400);
        using var exact = TwoClusterDenoiser.Uniform(4, 1, 1);
        var r = AccelerateExperiment.Run(data, reference, new AccelerateOptions
        {
            Samplers = [SamplerKind.OdeHeun], Accelerations = [], Nfe = [21, 99], Samples = 200, Bootstrap = 0, FloorSubsets = 8,
            TSkip = 2.0, Features = new FeatureSpaceOptions(FeatureSpaceKind.Identity), Seed = 3,
        }, exact, "analytic");
        var best = r.Runs.Single(x => x.Nfe == 99);
        Assert.True(r.Floor.Disjoint);
        Assert.Equal(8, r.Floor.Subsets);
        Assert.True(Math.Abs(best.Fd - r.Floor.Fd) < 4 * r.Floor.Sd, $"FD {best.Fd:G3} vs floor {r.Floor.Fd:G3} ± {r.Floor.Sd:G3}");
        // The measured floor agrees with its Gaussian leading-order value to within its own spread (two-cluster features are
        // not Gaussian, so only the order of magnitude is claimed: within a factor 3).
        Assert.InRange(r.Floor.Fd / r.Floor.GaussianTheory, 1 / 3.0, 3.0);
        Assert.Empty(r.StepsSaved);
    }

    [Fact]
    public void Reference_ForSyntheticData_IsFreshDrawsOfTheSameGenerator()
    {
        var request = new DataRequest("gaussian:d=3,n=50,spectrum=4;1;0.25,rotate=true,seed=4", Count: 20);
        var reference = AccelerationReference.Resolve(request, size: 30);
        Assert.Equal(30, reference.Count);
        var bigger = DataSource.Parse("gaussian:d=3,n=80,spectrum=4;1;0.25,rotate=true,seed=4");
        Assert.Equal(bigger.Row(50).ToArray(), reference.Row(0).ToArray());
        var training = request.Load();
        for (int i = 0; i < training.Count; i++) Assert.NotEqual(training.Row(i).ToArray(), reference.Row(0).ToArray());
        var builtin = AccelerationReference.Resolve(new DataRequest("builtin", Count: 100));
        Assert.Equal(1000, builtin.Count);
        Assert.Equal(784, builtin.Dimension);
        Assert.Equal(2, AccelerationReference.Resolve(new DataRequest("points:-1,1")).Count);
        Assert.Equal("referenceSpec", Assert.Throws<ArgumentException>(() => AccelerationReference.Resolve(new DataRequest("/tmp/some.npy"))).ParamName); // the CLI names it --reference (AccelerateCommandTests)
    }

    [Fact]
    public void Options_RoundTripThroughJson_AndRejectBadValues()
    {
        var options = Small with { TSkip = 1.5, Grid = AccelerationGrid.Karras, Features = new FeatureSpaceOptions(FeatureSpaceKind.Pca, 8) };
        var json = JsonSerializer.Serialize(options, RunManifest.JsonOptions);
        var back = JsonSerializer.Deserialize<AccelerateOptions>(json, RunManifest.JsonOptions)!;
        Assert.Equal(options.Samplers, back.Samplers);
        Assert.Equal(options.Nfe, back.Nfe);
        Assert.Equal(options.Accelerations, back.Accelerations);
        Assert.Equal(json, JsonSerializer.Serialize(back, RunManifest.JsonOptions));

        Assert.Equal("Nfe", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { Nfe = [2, 10] }).Validate()).ParamName);
        Assert.Equal("Nfe", Assert.Throws<ArgumentException>(() => (Small with { Nfe = [10, 10] }).Validate()).ParamName);
        Assert.Equal("TSkip", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { TSkip = 11 }).Validate()).ParamName);
        Assert.Equal("TSkip", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { TSkip = double.NaN }).Validate()).ParamName);
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { Samples = 1 }).Validate()).ParamName);
        Assert.Equal("Accelerations", Assert.Throws<ArgumentException>(() => (Small with { Accelerations = [AccelerationStart.Baseline] }).Validate()).ParamName);
        Assert.Equal("Samplers", Assert.Throws<ArgumentException>(() => (Small with { Samplers = [] }).Validate()).ParamName);
        Assert.Equal("TMin", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { TMin = 0 }).Validate()).ParamName);
        Assert.Equal("ExplainedVarianceThreshold", Assert.Throws<ArgumentOutOfRangeException>(() => (Small with { ExplainedVarianceThreshold = 1 }).Validate()).ParamName);
        var data = DataSource.Parse("two-cluster:d=4,n=50");
        var other = DataSource.Parse("two-cluster:d=3,n=50");
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => AccelerateExperiment.Run(data, other, Small)).ParamName);
    }
}
