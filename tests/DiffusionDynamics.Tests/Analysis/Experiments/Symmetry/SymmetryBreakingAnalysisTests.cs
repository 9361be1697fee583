using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class SymmetryBreakingAnalysisTests
{
    private static Dataset Points(params double[] values) => new PointsSpec(values).Generate().Data;

    private static EmpiricalDenoiser Exact(Dataset data) => new(data, new EmpiricalDenoiserOptions(Precision.Float64));

    /// <summary>Hides the concrete type so the analysis must use finite differences and the projected method.</summary>
    private sealed class Opaque(IDenoiser inner) : IDenoiser
    {
        public int Dimension => inner.Dimension;
        public Tensor Denoise(Tensor x, double t) => inner.Denoise(x, t);
    }

    // The crossing is refined by bisection in t to a bracket of 1e-7 (relative), and at the symmetric centre x* = 0 the
    // eigenvalue 1 + 2 s′(0) is exact to round-off, so 1e-6 is the resolution of the method, not a tuned margin.
    [Fact]
    public void TwoPoints_Sde_CriticalTime_EqualsTheClosedFormSqrt2MinusOne()
    {
        var data = Points(-1, 1);
        using var e = Exact(data);
        var r = SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(Times: 25, PotentialTimes: 2),
            new TwoClusterModel(1, 0, "two points ±1"));
        Assert.NotNull(r.CriticalTime);
        Assert.Equal(-0.5 * Math.Log(Math.Sqrt(2) - 1), r.CriticalTime!.Value, 1e-6);
        Assert.Equal(r.CriticalTimeClosedForm!.Value, r.CriticalTime.Value, 1e-6);
        Assert.All(r.CentreCurve, c => Assert.True(c.Converged && c.Distance < 1e-12, $"x* = {c.Distance} at t = {c.T}"));
        // The single eigenvalue at the centre is the closed-form slope at every grid time.
        Assert.All(r.CentreCurve, c => Assert.Equal(SymmetryBreaking.CentreSlope(ReverseDrift.Sde, c.T), c.Eigenvalues[0], 1e-9 * Math.Max(1, Math.Abs(c.Eigenvalues[0]))));
        // Symmetric data: x* is the centre, so the eigenvalue at the centre is the same; its crossing is linearly interpolated on a
        // grid of spacing h ≈ 0.06: error ≲ h²|λ″|/(8|λ′|) ≈ 0.036·15/(8·3) ≈ 2e-3 near t_c, hence 5e-3.
        Assert.All(r.CentreCurve, c => Assert.Equal(c.Eigenvalues[0], c.LargestAtCentre, 1e-12 * Math.Max(1, Math.Abs(c.Eigenvalues[0]))));
        Assert.Equal(r.CriticalTimeClosedForm!.Value, r.CriticalTimeAtCentre!.Value, 5e-3);
    }

    // PF-ODE analogue with finite t_c: two points ±½ (M = ¼, σ = 0), θ_c² = 1 − M = ¾.
    [Fact]
    public void TwoPoints_ProbabilityFlow_CriticalTime_EqualsOneMinusMeanNormSquared()
    {
        var data = Points(-0.5, 0.5);
        using var e = Exact(data);
        var r = SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(Drift: ReverseDrift.ProbabilityFlow, TMin: 0.02, TMax: 1.0, Times: 20, PotentialTimes: 0),
            new TwoClusterModel(0.25, 0, "two points ±½"));
        Assert.Equal(-0.5 * Math.Log(0.75), r.CriticalTime!.Value, 1e-6);
        Assert.Equal(r.CriticalTimeClosedForm!.Value, r.CriticalTime.Value, 1e-6);
    }

    // Roots by bracketing Illinois iterations until |g| ≤ 1e-13 or the bracket < 1e-12 of a grid spacing, on a float64 score:
    // 1e-9 covers the round-off of tanh/softmax divided by the slope |g′| ≥ 0.1 away from the pitchfork.
    [Fact]
    public void TwoPoints_Branches_AreTheRootsOfTheClosedFormEquation_WithPitchforkStability()
    {
        var data = Points(-1, 1);
        using var e = Exact(data);
        var r = SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(TMin: 0.05, TMax: 1.5, Times: 30, PotentialTimes: 0));
        double tc = SymmetryBreaking.CriticalTime(ReverseDrift.Sde);
        foreach (var group in r.Branches.GroupBy(b => b.T))
        {
            double t = group.Key;
            var roots = group.OrderBy(b => b.Q).ToArray();
            if (t > tc)
            {
                var only = Assert.Single(roots);
                Assert.Equal(0, only.Q, 1e-9);
                Assert.True(only.Stable);
            }
            else if (tc - t > 0.02) // away from the pitchfork, where q₊ ∝ √(t_c − t) is resolved by the grid
            {
                double q = SymmetryBreaking.PositiveFixedPoint(ReverseDrift.Sde, t);
                Assert.Equal(3, roots.Length);
                Assert.Equal(-q, roots[0].Q, 1e-9);
                Assert.Equal(0, roots[1].Q, 1e-9);
                Assert.Equal(q, roots[2].Q, 1e-9);
                Assert.True(roots[0].Stable && !roots[1].Stable && roots[2].Stable);
            }
        }
    }

    // Analytic tanh score, centre at the origin: x* = 0 exactly, so the crossing is the closed form ½ ln(2M) (σ = 1) to the
    // bisection resolution; the two eigenvalues at the centre are the closed-form slopes along m̂ and across it.
    [Fact]
    public void TwoCluster_AnalyticScore_CriticalTime_EqualsTheClosedFormFromTheTanhScore()
    {
        var truth = new TwoClusterSpec(16, 400, Mu: 1.0, Sigma: 1.0).Generate(3);
        using var score = new TwoClusterDenoiser(torch.tensor(truth.M), 1.0);
        var r = SymmetryBreakingAnalysis.Run(score, truth.Data,
            new SymmetryBreakingOptions(TMin: 0.5, TMax: 4.0, Times: 15, Directions: 1, PotentialTimes: 0, Centre: CentreChoice.Origin),
            new TwoClusterModel(truth.MeanNormSquared, 1.0, "two-cluster"));
        Assert.Equal(0.5 * Math.Log(2 * 16), r.CriticalTime!.Value, 1e-6);
        Assert.Equal(r.CriticalTimeClosedForm!.Value, r.CriticalTime.Value, 1e-6);
        foreach (var c in r.CentreCurve)
        {
            Assert.Equal(SymmetryBreaking.CentreSlope(ReverseDrift.Sde, c.T, 16, 1), c.Eigenvalues[0], 1e-10);
            Assert.Equal(SymmetryBreaking.TransverseSlope(ReverseDrift.Sde, c.T, 1), c.Eigenvalues[1], 1e-10);
            // The unstable mode is m̂, which the sample's top principal direction approximates (|m|² = 16 ≫ σ² sampling noise).
            Assert.InRange(c.TopOverlap!.Value, 0.95, 1.0 + 1e-12);
        }
        // Branches along u₁ ≈ m̂: below t_c the outer roots are ±q₊ of the closed form, up to the misalignment of u₁ and m̂.
    }

    // Gaussian data: the drift Jacobian is the same everywhere, eigenvalues 1 − 2/(e^{−2t}λ_k + Δ_t) exactly (float64 round-off);
    // projected on the top-3 principal directions (the Gaussian's own eigenvectors) the Ritz values are the exact top 3.
    [Theory]
    [InlineData(JacobianMethod.Dense)]
    [InlineData(JacobianMethod.Projected)]
    public void Gaussian_Eigenvalues_EqualOneMinusTwoOverNoisedVariance(JacobianMethod method)
    {
        var data = new GaussianSpec(6, 300, [9.0, 4.0, 2.5, 1.0, 0.5, 0.2]).Generate(5).Data;
        using var g = GaussianDenoiser.FromData(data);
        var r = SymmetryBreakingAnalysis.Run(g, data, new SymmetryBreakingOptions(TMin: 0.1, TMax: 3.0, Times: 12, Directions: 3, Eigenvalues: method == JacobianMethod.Dense ? 6 : 3,
            Method: method, PotentialTimes: 0), scoreName: "Gaussian");
        int kept = method == JacobianMethod.Dense ? 6 : 3;
        foreach (var c in r.CentreCurve)
        {
            var expected = SymmetryBreaking.GaussianDriftEigenvalues(ReverseDrift.Sde, c.T, g.Eigenvalues);
            Assert.Equal(kept, c.Eigenvalues.Length);
            for (int i = 0; i < kept; i++) Assert.Equal(expected[i], c.Eigenvalues[i], 1e-10);
        }
        Assert.Equal(0.5 * Math.Log(g.Eigenvalues[0] - 1), r.CriticalTime!.Value, 1e-6);
        Assert.Equal(r.GaussianCriticalTime!.Value, r.CriticalTime.Value, 1e-6);
    }

    // Finite differences (h = 1e-5 on a float64 score: eigenvalue error ~1e-9) through the projected path give the
    // closed-form crossing to the bisection resolution.
    [Fact]
    public void AnyDenoiser_ThroughFiniteDifferences_FindsTheSameCriticalTime()
    {
        var data = Points(-1, 1);
        using var e = Exact(data);
        var r = SymmetryBreakingAnalysis.Run(new Opaque(e), data, new SymmetryBreakingOptions(Times: 20, PotentialTimes: 1, FiniteDifferenceStep: 1e-5));
        Assert.Equal(JacobianMethod.Projected, r.Method);
        Assert.Equal(SymmetryBreaking.CriticalTime(ReverseDrift.Sde), r.CriticalTime!.Value, 1e-6);
    }

    // End-to-end regression on an asymmetric 2-D set: reproducible up to round-off (multi-threaded reductions may
    // reorder sums, ~1e-16 relative, amplified at most ~1e3 by the Newton solves near the pitchfork), potentials integrate the drift.
    [Fact]
    public void Run_IsDeterministic_AndPotentialIsMinusTheIntegralOfTheDrift()
    {
        var data = new TwoClusterSpec(2, 60, Mu: 1.5, Sigma: 0.3).Generate(9).Data;
        using var e = Exact(data);
        var options = new SymmetryBreakingOptions(TMin: 0.1, TMax: 2.5, Times: 20, Directions: 2, PotentialTimes: 3);
        var a = SymmetryBreakingAnalysis.Run(e, data, options);
        var b = SymmetryBreakingAnalysis.Run(e, data, options);
        Assert.Equal(a.CriticalTime!.Value, b.CriticalTime!.Value, 1e-12);
        Assert.Equal(a.Branches.Count, b.Branches.Count);
        Assert.All(a.Branches.Zip(b.Branches), p => Assert.Equal(p.First.Q, p.Second.Q, 1e-10));
        Assert.NotNull(a.CriticalTime);
        Assert.Equal(3, a.Potentials.Count);
        foreach (var p in a.Potentials)
        {
            // Trapezoid rule on a 400-point grid: V(q_i) − V(q_{i−1}) = −½(g_i + g_{i−1})Δq exactly by construction; check one step.
            int i = p.Q.Length / 3;
            Assert.Equal(-0.5 * (p.Drift[i] + p.Drift[i - 1]) * (p.Q[i] - p.Q[i - 1]), p.Potential[i] - p.Potential[i - 1], 1e-12);
        }
        // Below the critical time the line through x* along u₁ carries three fixed points (two stable), above it one.
        var late = a.Branches.Where(x => x.Direction == 0 && x.T == a.Times[^1]).ToArray();
        Assert.True(late.Length >= 3 && late.Count(x => x.Stable) >= 2, $"{late.Length} roots at t = {a.Times[^1]}");
        Assert.Single(a.Branches.Where(x => x.Direction == 0 && x.T == a.Times[0]));
    }

    [Fact]
    public void BadInputs_Throw_NamingTheValue()
    {
        var data = Points(-1, 1);
        using var e = Exact(data);
        Assert.Contains("TMin", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(TMin: 0))).Message);
        Assert.Contains("TMax", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(TMax: double.NaN))).Message);
        Assert.Contains("TMax", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(TMin: 1, TMax: 0.5))).Message);
        Assert.Contains("Times", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(Times: 2))).Message);
        Assert.Contains("BracketPoints", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, new SymmetryBreakingOptions(BracketPoints: 3))).Message);
        var wide = new TwoClusterSpec(3, 10).Generate(1).Data;
        Assert.Contains("d = 3", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, wide)).Message);
        var single = Points(1);
        using var e1 = Exact(single);
        Assert.Contains("n ≥ 2", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e1, single)).Message);
        Assert.Contains("|m|²", Assert.Throws<ArgumentException>(() => SymmetryBreakingAnalysis.Run(e, data, null, new TwoClusterModel(0, 0, "x"))).Message);
    }
}
