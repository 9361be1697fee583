using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Analysis;

public class NoetherExperimentTests(ITestOutputHelper output)
{
    [Fact]
    public void OuPath_MatchesTheClosedForm_AndConservesEnergy_ToTheDerivedH2Bounds()
    {
        var o = new NoetherOptions(From: [1.0, -0.5], To: [[0.2, 0.8]], T: 2, Steps: 100);
        var r = NoetherExperiment.Run(new NoetherInputs(), o);
        var path = r.Paths[0];
        var cf = r.ClosedForm!;
        double h = o.T / o.Steps;
        output.WriteLine($"action {path.Action} vs {cf.Action}; path err {cf.MaxPathError} tol {cf.Tolerance}; energy {path.Conserved["energy"].Mean} vs {cf.Energy} drift {path.Conserved["energy"].MaxRelativeDrift}; EL {path.EulerLagrangeResidual} it {path.Iterations}");
        Assert.True(path.Converged);
        Assert.True(cf.MaxPathError <= cf.Tolerance!.Value, $"path error {cf.MaxPathError} > {cf.Tolerance}");
        // Midpoint quadrature of a smooth integrand: relative O(h²) with constant ≤ T²/12 · (2)² (the integrand |A|²e^{2s} has (ln)'' = 0, ′ = 2).
        Assert.True(Math.Abs(path.Action - cf.Action) <= h * h * o.T * o.T / 12 * 4 * cf.Action, $"action {path.Action} vs {cf.Action}");
        var energy = path.Conserved["energy"];
        Assert.True(Math.Abs(energy.Mean - cf.Energy!.Value) <= h * h * o.T * o.T / 12 * 4 * Math.Abs(cf.Energy.Value) + 1e-9);
        Assert.True(energy.MaxRelativeDrift <= h * h, $"energy drift {energy.MaxRelativeDrift} > h² = {h * h}");
        Assert.False(path.Conserved.ContainsKey("momentum"));
    }

    [Fact]
    public void OuPathError_ShrinksAsHSquared()
    {
        double Error(int steps) => NoetherExperiment.Run(new NoetherInputs(), new NoetherOptions(From: [1.0], To: [[-0.5]], T: 1.5, Steps: steps)).ClosedForm!.MaxPathError;
        double e1 = Error(20), e2 = Error(40);
        output.WriteLine($"{e1} {e2} ratio {e1 / e2}");
        Assert.InRange(e1 / e2, 3.5, 4.5);
    }

    [Fact]
    public void Ring_AngularMomentumIsConserved_ToTheDiscreteNoetherBound_AndTheFlowPathHasNone()
    {
        var o = new NoetherOptions(Drift: NoetherDrift.Ring, Angles: 4, Steps: 60);
        var r = NoetherExperiment.Run(new NoetherInputs(), o);
        foreach (var p in r.Paths)
        {
            var l = p.Conserved["angularMomentum"];
            // Discrete Noether: L_{k+1} − L_k = −x_{k+1} × g_{k+1}, so |L_k − L̄| ≤ K max|x| max|g|, relative to mean |x||π|.
            double maxX = p.Path.Max(x => Math.Sqrt(x[0] * x[0] + x[1] * x[1]));
            double scale = l.Values.Length > 0 ? p.Path.Take(p.Path.Length - 1).Select((x, k) => 1.0).Count() : 1;
            double bound = o.Steps * maxX * p.GradientNorm;
            double absDrift = l.Values.Max(v => Math.Abs(v - l.Mean));
            output.WriteLine($"{p.Label}: S = {p.Action:F4}, L = {l.Mean:G5}, drift {absDrift:G3} (bound {bound:G3}), rel {l.MaxRelativeDrift:G3}, |g| {p.GradientNorm:G3}, it {p.Iterations}, conv {p.Converged}");
            Assert.True(absDrift <= bound + 1e-12, $"{p.Label}: angular momentum drift {absDrift} > {bound}");
            Assert.True(l.MaxRelativeDrift < 1e-4, $"{p.Label}: relative drift {l.MaxRelativeDrift}");
        }
        var flow = r.ProbabilityFlow!;
        output.WriteLine($"flow: start {flow.StartAngle} end {flow.EndAngle} L {flow.LeastActionAngularMomentum}");
        Assert.Equal(flow.StartAngle, flow.EndAngle, 1e-9);         // the probability flow of a rotation-invariant score is radial
        Assert.True(Math.Abs(flow.LeastActionAngularMomentum) < 1e-6 * r.Paths.Max(p => Math.Abs(p.Conserved["angularMomentum"].Mean)));
        Assert.Equal(r.Paths[^1].Label, r.Cheapest);                // the radial path is the cheapest of the family
    }

    [Fact]
    public void TimeDependentDiffusion_KeepsAngularMomentum_AndDropsEnergy()
    {
        var o = new NoetherOptions(From: [1.0, 0.0], To: [[0.0, 0.7]], T: 1.5, DiffusionGrowth: 1.0, Steps: 80);
        var p = NoetherExperiment.Run(new NoetherInputs(), o).Paths[0];
        Assert.False(p.Conserved.ContainsKey("energy"));
        var l = p.Conserved["angularMomentum"];
        output.WriteLine($"L {l.Mean} rel drift {l.MaxRelativeDrift} |g| {p.GradientNorm}");
        Assert.True(l.MaxRelativeDrift < 1e-5);
        Assert.True(Math.Abs(l.Mean) > 0.01);
    }

    [Fact]
    public void ConstantDrift_IsTheStraightLine_ConservesMomentum_AndTheConditionedMonteCarloMeanIsTheLine()
    {
        var o = new NoetherOptions(Drift: NoetherDrift.Constant, From: [0.0], To: [[1.2]], T: 1, D: 0.5, Velocity: [0.5], Bounds: [-3, 3],
            MonteCarloPaths: 50000, Steps: 50, Seed: 7);
        var r = NoetherExperiment.Run(new NoetherInputs(), o);
        var p = r.Paths[0];
        output.WriteLine($"line err {r.ClosedForm!.MaxPathError}, S {p.Action} vs {r.ClosedForm.Action}; momentum drift {p.Conserved["momentum"].MaxRelativeDrift}; MC kept {r.MonteCarlo!.Kept}, max dev {r.MonteCarlo.MaxDeviationInStandardErrors} SE");
        Assert.True(r.ClosedForm.MaxPathError < 1e-6);
        Assert.Equal(r.ClosedForm.Action, p.Action, 1e-9);
        Assert.True(p.Conserved["momentum"].MaxRelativeDrift < 1e-6);
        Assert.True(r.MonteCarlo.Kept > 1000);
        Assert.True(r.MonteCarlo.WithinTolerance, $"Monte-Carlo mean off the line by {r.MonteCarlo.MaxDeviationInStandardErrors} SE");
    }

    [Theory]
    [InlineData("T")]
    [InlineData("D")]
    [InlineData("To")]
    [InlineData("EndTime")]
    public void InvalidInputs_ThrowNamingTheValue(string name)
    {
        var o = new NoetherOptions(From: [1.0], To: [[0.0]]);
        o = name switch
        {
            "T" => o with { T = 0 },
            "D" => o with { D = -1 },
            "To" => o with { To = [[1.0]] },
            _ => o with { Drift = NoetherDrift.Ring, From = null, To = null, EndTime = 0 },
        };
        var e = Assert.ThrowsAny<ArgumentException>(() => NoetherExperiment.Run(new NoetherInputs(), o));
        Assert.Equal(name, e.ParamName);
    }
}

/// <summary>
/// The reverse drift of the empirical score evaluates the denoiser point by point inside L-BFGS: many small tensors, so it runs alone
/// (see <see cref="RunAloneCollection"/>: heavy allocation beside the torch tests let the GC finalize TorchSharp scalars in use).
/// </summary>
[Collection(RunAloneCollection.Name)]
public class NoetherReverseDriftTests(ITestOutputHelper output)
{
    [Fact]
    public void ReverseDrift_OfTheEmpiricalScore_ReachesEveryTarget_AndNamesTheCheapest()
    {
        var data = new CircleSpec(8, Evenly: true).Generate(0).Data;
        using var den = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        var r = NoetherExperiment.Run(new NoetherInputs(den, data, "exact empirical score"),
            new NoetherOptions(Drift: NoetherDrift.Reverse, From: [0.2, 0.1], Targets: 3, Steps: 30, StartTime: 1.5, EndTime: 0.1));
        Assert.Equal(3, r.Paths.Count);
        foreach (var p in r.Paths) output.WriteLine($"{p.Label}: {p.Action} EL {p.EulerLagrangeResidual} conv {p.Converged} it {p.Iterations}");
        Assert.All(r.Paths, p => Assert.True(double.IsFinite(p.Action) && p.Action > 0));
        Assert.Equal(r.Paths.MinBy(p => p.Action)!.Label, r.Cheapest);
    }

}
