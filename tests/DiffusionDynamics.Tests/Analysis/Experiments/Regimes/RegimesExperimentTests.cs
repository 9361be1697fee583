using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Theory;
using MathNet.Numerics.Distributions;
using TorchSharp;

namespace DiffusionDynamics.Tests.Analysis;

public class RegimesExperimentTests
{
    [Trait(Category.Name, Category.Slow)]
    [Fact]
    public void TwoCluster_MeasuredPhiMatchesQuadrature_AndMeasuredTsMatchesHalfLogLambda()
    {
        // d = 64, |m|² = 64, σ = 1: t_S = ½ ln 65 ≈ 2.09. n = 2,000 keeps the exact empirical score close to the
        // model's score for t ≳ t_C (≈ 0.7 here, where φ ≈ 1 in both), so φ must match the quadrature within 4 SE.
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=64,n=2000,mu=1,sigma=1,seed=5");
        var options = new RegimesOptions(Pairs: 256, Steps: 150, BranchCount: 10, BranchMin: 0.3, BranchMax: 5.0,
            EntropySamples: 64, Bootstrap: 200, Seed: 11, Batch: 256);
        var r = RegimesExperiment.Run(truth.Data, options, truth);
        foreach (var p in r.Speciation.Curve)
        {
            double se = Math.Max(p.Stderr, Math.Sqrt(0.25 / 256) / 4); // a φ of exactly 1 has zero sample SE; floor it
            Assert.True(Math.Abs(p.Phi - p.Theory!.Value) < 4 * se, $"t = {p.T:F3}: φ = {p.Phi:F3}, quadrature {p.Theory:F3} (SE {p.Stderr:F3})");
        }
        Assert.NotNull(r.Speciation.Measured);
        double tS = 0.5 * Math.Log(r.Data.LambdaMax);
        Assert.Equal(tS, r.Speciation.Theory, 10);
        Assert.True(Math.Abs(r.Speciation.Measured!.Value - tS) < 4 * r.Speciation.Stderr!.Value + 0.05,
            $"measured t_S = {r.Speciation.Measured:F3} ± {r.Speciation.Stderr:F3}, ½ ln Λ = {tS:F3}");
        Assert.Equal(0.5, r.Speciation.PhiInfinity);
        Assert.Equal(CloningProbability.AtSpeciationTime(8.0, 1.0), r.Speciation.ReferencePhi, 12);
    }

    [Trait(Category.Name, Category.Slow)]
    [Fact]
    public void TwoCluster_UnderTheDeterministicHeunFlow_PhiMatchesTheForwardBackwardQuadrature()
    {
        // Under the PF-ODE of the symmetric two-cluster model the class is sign(y), y = x·m/|m|, at every t (the flow in y decouples,
        // is monotone and maps 0 to 0). A clone is regenerated from the parent's sample, y′(t) = e^{−t} y₀ + √Δ_t z, so two clones agree with
        // probability E[p² + (1 − p)²], p = Φ(e^{−t} y₀ / √Δ_t), y₀ ~ ½ N(±|m|, 1) (σ = 1). Same data and n as the SDE test.
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=64,n=2000,mu=1,sigma=1,seed=5");
        var options = new RegimesOptions(Pairs: 256, Steps: 150, BranchCount: 6, BranchMin: 0.3, BranchMax: 5.0,
            EntropySamples: 16, EntropyTimes: 0, Bootstrap: 10, Seed: 11, Batch: 256, Sampler: SamplerKind.OdeHeun);
        var r = RegimesExperiment.Run(truth.Data, options, truth);
        Assert.Equal("ode-heun", r.Run.Sampler);
        foreach (var p in r.Speciation.Curve)
        {
            double h = p.T, a = Math.Exp(-h), s = Math.Sqrt(DiffusionDynamics.Time.OuTime.Delta(h)), mean = 8;
            double phi = 0, dy = 0.005;
            for (double y = -15; y <= 15; y += dy)
            {
                double density = 0.5 * (Normal.PDF(mean, 1, y) + Normal.PDF(-mean, 1, y));
                double agree = Normal.CDF(0, 1, a * y / s);
                phi += density * (agree * agree + (1 - agree) * (1 - agree)) * dy;
            }
            double se = Math.Max(p.Stderr, Math.Sqrt(0.25 / 256) / 4);
            Assert.True(Math.Abs(p.Phi - phi) < 4 * se, $"t = {p.T:F3}: φ = {p.Phi:F3}, forward–backward quadrature {phi:F3} (SE {p.Stderr:F3})");
        }
        // Decided late (small t), undecided early: φ falls from 1 towards φ∞ = ½ and crosses the level within the branch times.
        Assert.True(r.Speciation.Curve[0].Phi > 0.95 && r.Speciation.Curve[^1].Phi < 0.7);
        Assert.NotNull(r.Speciation.Measured);
    }

    [Fact]
    public void TinyTrainingSet_EverySampleIsMemorized()
    {
        // n = 5 in d = 16: t_C = ½ ln(1 + σ²/(5^{1/8} − 1)) ≈ 1.1 ≫ t_min, the trajectories collapse on training points.
        var data = DataSource.Parse("gaussian:d=16,n=5,spectrum=16x1,seed=2");
        var r = RegimesExperiment.Run(data, new RegimesOptions(Pairs: 32, Steps: 60, BranchCount: 4, EntropySamples: 16, Bootstrap: 10, Seed: 1));
        Assert.Equal(1.0, r.Collapse.MemorizedFraction);
        Assert.All(r.Collapse.Curve.Where(p => p.T < 0.1), p => Assert.Equal(1.0, p.PhiC));
        Assert.Empty(r.Speciation.Curve); // unlabelled data: no classes, no φ
        Assert.NotNull(r.Speciation.Note);
        // f(t) on the branch times and EntropyTimes more (default 32, log-spaced over a range that brackets the branch times and the
        // theoretical t_C, ends included — an end may coincide with a branch time); each branch time's f in the collapse table is its own
        // estimate; the zero lies between two neighbouring times of the fine curve where f changes sign.
        var fine = r.Collapse.EntropyCurve!;
        Assert.InRange(fine.Count, 32 + 2, 4 + 32);
        foreach (var p in r.Collapse.Curve) Assert.Equal(fine.Single(e => e.T == p.T).F, p.F);
        if (r.Collapse.EntropyCrossing is double tc)
            Assert.Contains(fine.Zip(fine.Skip(1)), w => w.First.F <= 0 && w.Second.F > 0 && w.First.T <= tc && tc <= w.Second.T);
    }

    [Fact]
    public void LargeTrainingSet_InLowDimension_GeneralizesLikeFreshDraws()
    {
        // n = 10,000 in d = 2: t_C = ½ ln(1 + 1/(n − 1)) ≈ 5e-5 < t_min = 1e-3, so no collapse. The copy test
        // d₁/d₂ < 1/3 still fires by chance for generalized samples: for points of a smooth density in 2-D,
        // (d₁/d₂)² is uniform, so P(d₁/d₂ < 1/3) = 1/9. The share must match that of fresh draws from the same
        // Gaussian (within 4 binomial SE), far from the memorizing value 1.
        var data = DataSource.Parse("gaussian:d=2,n=10000,spectrum=2x1,seed=4");
        int pairs = 300;
        var r = RegimesExperiment.Run(data, new RegimesOptions(Pairs: pairs, Steps: 100, BranchCount: 3, EntropySamples: 16, Bootstrap: 10, Seed: 2, Batch: 300));
        var fresh = DataSource.Parse("gaussian:d=2,n=4000,spectrum=2x1,seed=99");
        using var freshT = fresh.ToTensor();
        using var train = data.ToTensor();
        double baseline = NearestNeighbours.Find(freshT, train).MemorizedFraction();
        double se = Math.Sqrt(baseline * (1 - baseline) / pairs) + Math.Sqrt(baseline * (1 - baseline) / fresh.Count);
        Assert.True(Math.Abs(r.Collapse.MemorizedFraction - baseline) < 4 * se,
            $"memorized share {r.Collapse.MemorizedFraction:F3} vs fresh-draw baseline {baseline:F3}");
        Assert.True(r.Collapse.MemorizedFraction < 0.25);
    }

    [Fact]
    public void InvalidInputs_AreRejected()
    {
        var one = DataSource.Parse("points:0.5");
        Assert.Throws<ArgumentException>(() => RegimesExperiment.Run(one, new RegimesOptions()));
        var data = DataSource.Parse("points:-1,1");
        Assert.Throws<ArgumentOutOfRangeException>(() => RegimesExperiment.Run(data, new RegimesOptions(Pairs: 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegimesExperiment.Run(data, new RegimesOptions(BranchMin: 20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RegimesExperiment.Run(data, new RegimesOptions(TMin: 0)));
    }

    [Fact]
    public void Crossing_InterpolatesTheLastFallThroughTheLevel()
    {
        double[] t = [0.1, 0.5, 1.0, 2.0, 4.0];
        double[] y = [1.0, 0.98, 0.9, 0.6, 0.5];
        Assert.Equal(1.0 + (0.9 - 0.75) / (0.9 - 0.6) * 1.0, Crossing.Falling(t, y, 0.75)!.Value, 12);
        Assert.Null(Crossing.Falling(t, y, 0.4));  // never below
        Assert.Null(Crossing.Falling(t, y, 1.1));  // never above
        // Noise at small t (a dip below the level) does not move the crossing found from large t.
        double[] noisy = [0.7, 0.98, 0.9, 0.6, 0.5];
        Assert.Equal(1.5, Crossing.Falling(t, noisy, 0.75)!.Value, 12);
    }

    [Trait(Category.Name, Category.Slow)]
    [Fact]
    public void IsotropicGaussian_EntropyMeasuresTc_EvenWhereTcExceedsTs()
    {
        // Isotropic Gaussian, d = 64, n = 1000, σ² = 1: t_C = ½ ln(1 + 1/(n^{2/d} − 1)) = 0.819, while t_S = ½ ln Λ ≈ 0.23 puts the branch
        // times below 0.46: the excess-entropy times must reach past t_C (they did not, and f's zero was reported as missing).
        // f's Monte-Carlo SE at 2048 samples is ~1e-3 against a slope df/dt ~ 0.05 near t_C, so the zero is located to ~2 %; 10 % is ~5 SE.
        var data = DataSource.Parse("gaussian:d=64,n=1000,spectrum=64x1,seed=0");
        var r = RegimesExperiment.Run(data, new RegimesOptions(Pairs: 8, Steps: 40, BranchCount: 4, Bootstrap: 10, Seed: 3));
        double expected = 0.5 * Math.Log(1 + 1 / (Math.Pow(1000, 2.0 / 64) - 1));
        Assert.Equal(expected, r.Collapse.TheoryGaussian, 0.005);                     // the data's σ² = tr C / d is 1 to ~0.3 %
        Assert.True(r.Speciation.Theory < 0.5 * expected);
        Assert.NotNull(r.Collapse.EntropyCrossing);
        Assert.InRange(r.Collapse.EntropyCrossing!.Value, 0.9 * expected, 1.1 * expected);
        Assert.True(r.Collapse.EntropyRange![0] <= 0.5 * expected && r.Collapse.EntropyRange[1] >= 1.9 * expected);
    }

    [Fact]
    public void EntropyRangeNote_SaysOnWhichSideTheZeroLies()
    {
        ExcessEntropyPoint P(double t, double f) => new(t, f, 0.01, f);
        Assert.Null(RegimesExperiment.EntropyRangeNote([P(0.1, -1), P(1, 1)], 0.5));
        Assert.Contains("lies below 0.1", RegimesExperiment.EntropyRangeNote([P(0.1, 1), P(1, 2)], null));
        Assert.Contains("lies above 1", RegimesExperiment.EntropyRangeNote([P(0.1, -2), P(1, -1)], null));
        var (lo, hi) = RegimesExperiment.EntropyRange(0.01, 0.4, new RegimesOptions(), 0.2, 0.8, null);
        Assert.Equal(0.01, lo);
        Assert.Equal(1.6, hi, 12);
    }
}
