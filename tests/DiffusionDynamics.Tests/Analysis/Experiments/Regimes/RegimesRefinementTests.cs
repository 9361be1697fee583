using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Analysis;

/// <summary>The two-pass speciation measurement: coarse branch times, then refined times around the coarse φ̃ crossing.</summary>
public class RegimesRefinementTests
{
    [Fact]
    public void RefinedTimes_AreSpreadOverHalfACoarseSpacingOnBothSides()
    {
        double[] coarse = [0.5, 1.0, 1.5, 2.0, 2.5];
        var times = SpeciationRefinement.Times(coarse, 1.7, 2, 1e-3, 10);
        Assert.Equal([1.45, 1.95], times.Select(t => Math.Round(t, 12)).ToArray());
        var four = SpeciationRefinement.Times(coarse, 1.7, 4, 1e-3, 10);
        Assert.Equal(4, four.Length);
        Assert.True(four[0] < 1.7 && four[^1] > 1.7);
        // Clipped to 0.9 T at the top.
        Assert.True(SpeciationRefinement.Times(coarse, 2.45, 2, 1e-3, 2.7).Max() <= 0.9 * 2.7 + 1e-12);
    }

    [Fact]
    public void Estimate_InterpolatesBetweenRefinedPoints_AndFallsBackToAllPoints()
    {
        // Coarse points first (indices 0–2), refined after (3, 4). The coarse point at t = 2.0 lies between the refined times with
        // φ̃ = 0.45 < 0.5: over all points the crossing would be 1.5 + (0.7 − 0.5)/(0.7 − 0.45)·0.5 = 1.9; over the refined points
        // alone it is 1.5 + (0.2/0.4)·1.0 = 2.0, which is what the estimate must give.
        double[] t = [1.0, 2.0, 4.0, 1.5, 2.5];
        double[] y = [0.9, 0.45, 0.1, 0.7, 0.3];
        Assert.Equal(1.9, Crossing.Falling(t, y, 0.5)!.Value, 12);
        Assert.Equal(2.0, SpeciationRefinement.Estimate(t, y, 0.5, refinedFrom: 3)!.Value, 12);
        // The refined points do not cross (both above the level): all points decide, 2.5 + (0.7 − 0.5)/(0.7 − 0.1)·1.5 = 3.0.
        double[] above = [0.9, 0.8, 0.1, 0.75, 0.7];
        Assert.Equal(3.0, SpeciationRefinement.Estimate(t, above, 0.5, refinedFrom: 3)!.Value, 12);
        // No refined points: plain Crossing.Falling.
        Assert.Equal(1.9, SpeciationRefinement.Estimate(t, y, 0.5, refinedFrom: 5)!.Value, 12);
    }

    [Fact]
    public void SameSeed_SameResult_WhateverTheBatch_AndPrecisionTargetAddsRounds()
    {
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=16,n=300,mu=1,sigma=1,seed=3");
        RegimesOptions Options(int batch, double? target = null) => new(Pairs: 16, Steps: 40, BranchCount: 6, EntropySamples: 16, EntropyTimes: 2,
            Bootstrap: 20, Seed: 4, Batch: batch, RefineParents: 6, RefineClones: 4, PrecisionTarget: target, MaxRefineRounds: 3);
        var a = RegimesExperiment.Run(truth.Data, Options(64), truth).Speciation;
        var b = RegimesExperiment.Run(truth.Data, Options(5), truth).Speciation;
        Assert.Equal(a.Measured, b.Measured);
        Assert.Equal(a.Stderr, b.Stderr);
        Assert.Equal(a.Curve.Select(p => p.Phi), b.Curve.Select(p => p.Phi));
        Assert.Equal(a.RefinedTimes, b.RefinedTimes);
        Assert.Equal(1, a.RefineRounds);
        // An unreachable target runs the cap; the pooled rounds keep the refined times.
        var c = RegimesExperiment.Run(truth.Data, Options(64, 1e-9), truth).Speciation;
        Assert.Equal(3, c.RefineRounds);
        Assert.Equal(a.RefinedTimes, c.RefinedTimes);
    }

    [Fact]
    public void ReadoutTime_IsTheLatestDecidedCoarseTime_BelowAQuarterOfTheCrossing()
    {
        static BranchOutcome O(double t, params bool[] same) => new(t, same, same);
        var coarse = new[] { O(0.05, true, true), O(0.2, true, true), O(0.4, true, false), O(0.5, true, true), O(0.9, true, true), O(2.0, false, true) };
        // c = 2.4: candidates ≤ 0.6 are 0.05, 0.2, 0.4 (one pair disagrees: undecided), 0.5 → 0.5; 0.9 is above c/4.
        Assert.Equal(0.5, SpeciationRefinement.ReadoutTime(coarse, 2.4, 1e-3));
        // c = 1.7: ≤ 0.425 → 0.2 (0.4 is undecided).
        Assert.Equal(0.2, SpeciationRefinement.ReadoutTime(coarse, 1.7, 1e-3));
        // Nothing decided above 1.5 t_min: no early readout.
        Assert.Null(SpeciationRefinement.ReadoutTime(coarse, 0.3, 0.04));
    }

    [Fact]
    public void EarlyReadout_AndExactParents_GiveTheEndReadoutsPhi_OnTwoClusterData()
    {
        // The clones of both runs follow the same noise streams down to t_r, so the refined φ differ only by clones whose class (the sign
        // of the overlap with m) changes below t_r, which the coarse pass shows to be none.
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=16,n=300,mu=1,sigma=1,seed=3");
        RegimesOptions Options(bool early) => new(Pairs: 16, Steps: 40, BranchCount: 6, EntropySamples: 16, EntropyTimes: 2,
            Bootstrap: 20, Seed: 4, Batch: 64, RefineParents: 24, RefineClones: 4, EarlyReadout: early);
        var early = RegimesExperiment.Run(truth.Data, Options(true), truth).Speciation;
        var end = RegimesExperiment.Run(truth.Data, Options(false), truth).Speciation;
        Assert.NotNull(early.ReadoutTime);
        Assert.Null(end.ReadoutTime);
        Assert.True(early.ExactParents && end.ExactParents);
        Assert.True(early.ReadoutTime < early.RefinedTimes.Min());
        Assert.Equal(end.RefinedTimes, early.RefinedTimes);
        var phiEarly = early.Curve.Where(p => early.RefinedTimes.Contains(p.T)).Select(p => p.Phi).ToArray();
        var phiEnd = end.Curve.Where(p => end.RefinedTimes.Contains(p.T)).Select(p => p.Phi).ToArray();
        Assert.Equal(phiEnd.Length, phiEarly.Length);
        for (int i = 0; i < phiEnd.Length; i++)
            Assert.True(Math.Abs(phiEarly[i] - phiEnd[i]) <= 1.0 / 24 + 1e-12, $"refined φ {phiEarly[i]:F4} (early) vs {phiEnd[i]:F4} (end)");
    }

    [Fact]
    public void InvalidRefinementOptions_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(RefineParents: -1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(RefineClones: 1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(RefineTimes: 1).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(PrecisionTarget: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(PrecisionTarget: double.NaN).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(MaxRefineRounds: 0).Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimesOptions(PruneTolerance: 1).Validate());
    }
}

/// <summary>The heavy end-to-end check of the refined t_S (runs alone, see <see cref="RunAloneCollection"/>).</summary>
[Collection(RunAloneCollection.Name)]
public class RegimesRefinementTwoClusterTests
{
    [Trait(Category.Name, Category.Slow)]
    [Fact]
    public void TwoCluster_RefinedTs_IsWithinFourStandardErrorsOfTheory_AndRefinedTimesStraddleIt()
    {
        // d = 64, |m|² = 64, σ = 1: t_S = ½ ln Λ with Λ = σ² + |m|² = 65 (docs/theory.md), ≈ 2.09. The bound is 4 bootstrap SE
        // plus the finite-n shift of the training set's own ½ ln Λ from the model's (n = 2,000: |Δ Λ|/Λ ~ √(2/n) ≈ 3 %, i.e. ≈ 0.016 in t).
        var truth = (TwoClusterData)DataSource.Generate("two-cluster:d=64,n=2000,mu=1,sigma=1,seed=5");
        var options = new RegimesOptions(Pairs: 64, Steps: 120, BranchCount: 8, EntropySamples: 16, Bootstrap: 200, Seed: 7, Batch: 128);
        var r = RegimesExperiment.Run(truth.Data, options, truth);
        var s = r.Speciation;
        double theory = 0.5 * Math.Log(truth.Lambda);
        Assert.NotNull(s.Measured);
        Assert.NotNull(s.Stderr);
        Assert.True(Math.Abs(s.Measured!.Value - theory) < 4 * s.Stderr!.Value + 0.02,
            $"refined t_S = {s.Measured:F3} ± {s.Stderr:F3}, theory ½ ln Λ = {theory:F3}");
        // (b) the refinement put branch times on both sides of the measured crossing and of the theory (the coarse crossing is within ~2 SE).
        Assert.Equal(2, s.RefinedTimes.Count);
        Assert.Equal(1, s.RefineRounds);
        Assert.True(s.ExactParents);
        Assert.NotNull(s.ReadoutTime);
        Assert.True(s.RefinedTimes.Min() < s.Measured.Value && s.Measured.Value < s.RefinedTimes.Max(),
            $"refined times [{string.Join(", ", s.RefinedTimes.Select(t => t.ToString("F3")))}] do not bracket t_S = {s.Measured:F3}");
        Assert.True(s.RefinedTimes.Min() < theory && theory < s.RefinedTimes.Max());
        foreach (var t in s.RefinedTimes) Assert.Contains(s.Curve, p => Math.Abs(p.T - t) < 1e-12);
        // The refined points carry 144 parents × 6 clone pairs each: their φ error must be below the coarse 64-pair one.
        var coarse = s.Curve.Where(p => !s.RefinedTimes.Contains(p.T) && p.Phi < 0.95).ToArray();
        var refined = s.Curve.Where(p => s.RefinedTimes.Contains(p.T)).ToArray();
        Assert.True(refined.Max(p => p.Stderr) < coarse.Min(p => p.Stderr), "refined points are not more precise than coarse ones");
    }
}
