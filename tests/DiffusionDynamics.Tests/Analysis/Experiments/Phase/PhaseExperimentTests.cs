using DiffusionDynamics.Analysis;
using DiffusionDynamics.Theory;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Analysis;

[Collection(RunAloneCollection.Name)]
public class PhaseExperimentTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void BoundarySlope_IsWhereGaussianDataCollapseAtTau(double tau)
    {
        // Along ln n = c(τ)·d the closed form t_C = ½ ln(1 + 1/(n^{2/d} − 1)) equals τ for every d (evaluated at real n through α).
        double c = PhaseExperiment.BoundarySlope(tau);
        foreach (int d in new[] { 2, 10, 50 })
        {
            double n = Math.Exp(c * d);
            double tC = 0.5 * Math.Log(1 + 1 / (Math.Pow(n, 2.0 / d) - 1));
            Assert.Equal(tau, tC, 10);
        }
        Assert.Equal(ExcessEntropy.GaussianCollapseTime(1000, 12, 1.0), PhaseExperiment.BoundarySlope(Math.Log(1000) / 12), 10);
    }

    [Fact]
    public void ClosedForms_PerFamily()
    {
        Assert.Equal(0.5 * Math.Log(17), PhaseExperiment.SpeciationTheory(PhaseFamily.TwoCluster, 16), 12);
        Assert.Equal(0, PhaseExperiment.SpeciationTheory(PhaseFamily.Gaussian, 16));
        Assert.Equal(ExcessEntropy.GaussianCollapseTime(100, 8, 1.0), PhaseExperiment.CollapseTheory(PhaseFamily.Gaussian, 100, 8), 12);
        // Manifold with all directions equal to 1 would be the Gaussian; with small directions it collapses later (less volume).
        Assert.True(PhaseExperiment.CollapseTheory(PhaseFamily.Manifold, 100, 8) < PhaseExperiment.CollapseTheory(PhaseFamily.Gaussian, 100, 8));
        Assert.Equal([1.0, 1.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], PhaseExperiment.ManifoldStds(8));
    }

    [Fact]
    public void InvalidGrids_NameTheOption()
    {
        Assert.Equal("PhaseDimensions", Assert.ThrowsAny<ArgumentException>(() => new PhaseOptions(Dimensions: [4, 4]).Validate()).ParamName);
        Assert.Equal("PhaseSizes", Assert.ThrowsAny<ArgumentException>(() => new PhaseOptions(Sizes: [1, 8]).Validate()).ParamName);
    }

    [Fact]
    public void Gaussian_MeasuredCollapseTimes_MatchTheClosedForm()
    {
        // The leave-one-out excess entropy's zero lies at or above t_C (a cross-entropy bound, docs/theory.md §4.6), by ~10 % at these
        // sizes (measured once: 1.06–1.14 t_C for d = 16, 32 and n = 512, 2048); below: 4 standard errors of the crossing. The sample
        // variance of n·d ≥ 8,192 unit Gaussians differs from 1 by ~1.5 %, well inside both bounds.
        var options = new PhaseOptions(PhaseFamily.Gaussian, [16, 32], [512, 2048], Seed: 11);
        var result = PhaseExperiment.Run(options);
        Assert.Equal(4, result.Points.Count);
        foreach (var p in result.Points)
        {
            output.WriteLine($"d = {p.D}, n = {p.N}: t_C {p.CollapseTheory:F4}, entropy zero {p.CollapseEntropy:F4} ± {p.CollapseEntropyStderr:F4}, last change {p.LastChangeMean:F4} ± {p.LastChangeStderr:F4}");
            Assert.Equal(ExcessEntropy.GaussianCollapseTime(p.N, p.D, 1.0), p.CollapseTheory, 12);
            Assert.NotNull(p.CollapseEntropy);
            Assert.InRange(p.CollapseEntropy!.Value, p.CollapseTheory - 4 * p.CollapseEntropyStderr!.Value, 1.25 * p.CollapseTheory);
            // The last change of the nearest point is a noisier, later signal (the trajectory must still move between points): within a factor 2.
            Assert.InRange(p.LastChangeMean, 0.5 * p.CollapseTheory, 2 * p.CollapseTheory);
            Assert.Null(p.SpeciationMeasured);
        }
        // t_C falls with n at fixed d and rises with d at fixed n.
        Assert.True(result.Points[0].CollapseEntropy > result.Points[1].CollapseEntropy);
        Assert.True(result.Points[2].CollapseEntropy > result.Points[0].CollapseEntropy);
    }

    [Fact]
    public void TwoCluster_MeasuredSpeciation_IsNearHalfLogLambda()
    {
        // Cloning with 48 pairs: the bootstrap error is ~0.1; the crossing level is the two-cluster φ(t_S) itself, so no bias is expected
        // beyond the grid interpolation (branch times every ~0.2 near t_S). Bound: 4 bootstrap errors + 0.2.
        var options = new PhaseOptions(PhaseFamily.TwoCluster, [16], [256], Seed: 5,
            new PhaseOptions().RegimesOrDefault with { Pairs = 48, Batch = 48 });
        var p = PhaseExperiment.Run(options).Points.Single();
        output.WriteLine($"t_S {p.SpeciationTheory:F3}, cloning {p.SpeciationMeasured:F3} ± {p.SpeciationStderr:F3}; t_C {p.CollapseTheory:F3}, entropy {p.CollapseEntropy:F3}");
        Assert.NotNull(p.SpeciationMeasured);
        Assert.InRange(p.SpeciationMeasured!.Value, p.SpeciationTheory - 4 * (p.SpeciationStderr ?? 0) - 0.2, p.SpeciationTheory + 4 * (p.SpeciationStderr ?? 0) + 0.2);
    }

    [Fact]
    public void APoint_DependsOnlyOnTheOptionsAndItsIndex()
    {
        var options = new PhaseOptions(PhaseFamily.Gaussian, [3, 5], [16, 24], Seed: 2, new PhaseOptions().RegimesOrDefault with { Pairs = 4, Batch = 4, Steps = 20, EntropySamples = 64 });
        var alone = PhaseExperiment.RunPoint(options, 2);
        var inSweep = PhaseExperiment.Run(options).Points[2];
        Assert.Equal(alone with { Seconds = 0 }, inSweep with { Seconds = 0 });
        Assert.Equal(options.PointSeed(2), alone.Seed);
        Assert.NotEqual(options.PointSeed(1), options.PointSeed(2));
    }
}
