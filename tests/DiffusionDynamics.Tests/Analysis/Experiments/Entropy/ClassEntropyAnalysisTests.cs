using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class ClassEntropyAnalysisTests
{
    internal static (ClassConditionalDensities Model, Dataset Data, TwoClassModel Theory) TwoCluster(int d, double mu, double sigma, int n = 2000)
    {
        var synthetic = DataSource.Generate($"two-cluster:d={d},n={n},mu={mu},sigma={sigma},seed=3");
        var centre = ((TwoClusterData)synthetic).M;
        var model = ClassConditionalDensities.TwoCluster(torch.tensor(centre), sigma);
        double norm = Math.Sqrt(centre.Sum(v => v * v));
        return (model, synthetic.Data, new TwoClassModel(norm, sigma, "two-cluster"));
    }

    [Fact]
    public void TwoCluster_ExactPosteriorEntropy_MatchesClosedForm_Within4StandardErrors()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.5);
        using var _ = model;
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 600, Batch: 300, Steps: 100, Online: true, Immse: false, TMax: 3));
        int outside = 0;
        foreach (var p in result.Curve)
            if (Math.Abs(p.H - p.Theory!.Value) > 4 * p.Stderr + 0.01) outside++;
        Assert.True(outside <= 2, $"{outside} of {result.Curve.Count} grid times off the closed form by more than 4 SE + 0.01");
        Assert.Equal(SpeciationTime.TwoCluster(theory.MeanNorm, theory.Sigma), result.SpeciationTheory, 12);
        Assert.InRange(result.Peak.T, result.Peak.Theory!.Value - 0.35, result.Peak.Theory!.Value + 0.35);
        Assert.Equal(2, result.PerClass.Count);
        Assert.NotNull(result.Tracking);
        Assert.True(result.Tracking!.MeanAbsError < 0.05, $"online vs exact mean |Δp| = {result.Tracking.MeanAbsError}");
    }

    [Fact]
    public void OnlinePosterior_ConvergesToExact_AsTheStepShrinks()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.3);
        using var _ = model;
        var steps = new[] { 40, 80, 160, 320 };
        var errors = steps.Select(n => ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 400, Batch: 400, Steps: n, TailSteps: n / 4, Online: true, Immse: false, TMax: 7, TMin: 0.05)).Tracking!.MeanAbsError).ToArray();
        Console.WriteLine($"online vs exact mean |dp| at N = {string.Join(", ", steps)}: {string.Join(", ", errors.Select(e => e.ToString("G3")))}");
        for (int i = 1; i < errors.Length; i++) Assert.True(errors[i] < errors[i - 1], $"errors {string.Join(", ", errors)}");
        double order = Math.Log(errors[0] / errors[^1]) / Math.Log(steps[^1] / (double)steps[0]);
        Assert.InRange(order, 0.6, 1.5);   // measured ≈ 0.9 (first order in h)
    }

    [Fact]
    public void Immse_OnAMixture_MatchesTheExactPosteriorEntropy()
    {
        var (model, data, theory) = TwoCluster(d: 3, mu: 1.0, sigma: 0.6, n: 4000);
        using var _ = model;
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 400, Batch: 400, Steps: 100, Online: false, Immse: true, ImmseSamples: 3000, TMax: 4));
        double worst = result.Curve.Max(p => Math.Abs(p.Immse!.Value - p.Theory!.Value));
        Assert.True(worst < 0.03, $"max |H_I-MMSE − H_theory| = {worst}");
        double worstExact = result.Curve.Max(p => Math.Abs(p.Immse!.Value - p.H));
        Assert.True(worstExact < 0.05, $"max |H_I-MMSE − H_exact| = {worstExact}");
    }

    [Fact]
    public void InvalidInputs_GiveClearErrors()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.5, n: 100);
        using var _ = model;
        Assert.Equal("Online", Assert.Throws<ArgumentException>(() =>
            new ClassEntropyOptions(Sampler: SamplerKind.OdeHeun).Validate()).ParamName);
        Assert.Equal("Samples", Assert.Throws<ArgumentOutOfRangeException>(() => new ClassEntropyOptions(Samples: 1).Validate()).ParamName);
        using var oneClass = new ClassConditionalEmpirical(data.FilterClasses(1));
        var e = Assert.Throws<ArgumentException>(() => ClassEntropyAnalysis.Run(new ClassEntropyInputs(oneClass, data.FilterClasses(1)), new ClassEntropyOptions(Samples: 4)));
        Assert.Contains("≥ 2 classes", e.Message);
        using var plain = new TwoClusterDenoiser(torch.tensor(new double[] { 1, 0 }), 0.5);
        Assert.Contains("class posterior", Assert.Throws<ArgumentException>(() => ClassEntropyAnalysis.Run(new ClassEntropyInputs(plain, data), new ClassEntropyOptions(Samples: 4))).Message);
    }
}

/// <summary>Information dynamics of the state (docs/theory.md §7.7) through the analysis: heavy (thousands of closed-form Jacobians), so run alone.</summary>
[Collection(RunAloneCollection.Name)]
public class ClassEntropyStateInformationTests
{
    private static (ClassConditionalDensities Model, Dataset Data, TwoClassModel Theory) TwoCluster(int d, double mu, double sigma, int n = 2000) =>
        ClassEntropyAnalysisTests.TwoCluster(d, mu, sigma, n);

    [Fact]
    public void TwoCluster_StateInformationRate_MatchesClosedForm_AndSymmetryTimeIsReported()
    {
        var (model, data, theory) = TwoCluster(d: 2, mu: 1.0, sigma: 0.5);
        using var _ = model;
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, theory, Priors: [0.5, 0.5]),
            new ClassEntropyOptions(Samples: 600, Batch: 300, Steps: 100, Online: false, Immse: false, TMax: 3, StateInformation: true, Symmetry: true));
        var state = result.StateInformation!;
        Assert.Equal(0, state.Probes);                                   // exact: the per-class Gaussian Jacobians, total variance over classes
        int outside = state.Curve.Count(p => Math.Abs(p.Rate - p.Theory!.Value) > 4 * p.RateStderr + 0.02 * p.Theory.Value);
        // 4 SE over 600 trajectories plus 2% for the 100-step Euler–Maruyama marginals (the class entropy test allows 0.01 nats on ln 2).
        Assert.True(outside <= 3, $"{outside} of {state.Curve.Count} grid times off the closed-form state rate");
        var sym = result.SymmetryBreaking!;
        Assert.NotNull(sym.ClosedForm);
        Assert.NotNull(sym.CriticalTime);
        // The class posterior's denoiser is the two-cluster mixture, so its critical time is the closed form (bisection to 1e-7 in t;
        // the projected finite-difference Jacobian adds ~1e-5).
        Assert.Equal(sym.ClosedForm!.Value, sym.CriticalTime!.Value, 3);
    }

    [Fact]
    public void GaussianData_StateInformation_MatchesTheClosedForm()
    {
        // Two classes with the same Gaussian law: the data are exactly N(0, diag λ), the class carries no information (H = ln 2) and
        // I(X₀; X_t) = ½ Σ ln(1 + e^{−2t}λ/Δ_t). The divergence of a Gaussian score is constant in x, so the rate is exact at every grid time;
        // the information adds the trapezoid error of the grid, bounded below by Σ h³/12 |r″| over the intervals above t (r″ by central
        // differences of the closed-form rate, ×2 for the midpoint estimate of max |r″|), and the O(snr_T²) ~ 1e-7 tail above T = 4.
        double[] lambdas = [2.0, 0.5, 0.1];
        var mean = torch.zeros(3, dtype: ScalarType.Float64);
        var cov = torch.diag(torch.tensor(lambdas));
        var data = DataSource.Parse("two-cluster:d=3,n=200,mu=1,sigma=0.5,seed=8");
        using var model = new ClassConditionalDensities([0, 1], [0.5, 0.5], [new GaussianDenoiser(mean, cov), new GaussianDenoiser(mean, cov)]);
        var result = ClassEntropyAnalysis.Run(new ClassEntropyInputs(model, data, Priors: [0.5, 0.5], GaussianEigenvalues: lambdas),
            new ClassEntropyOptions(Samples: 16, Batch: 16, Steps: 100, TailSteps: 40, Online: false, Immse: false, TMax: 4, StateInformation: true));
        var curve = result.StateInformation!.Curve;
        double bound = 1e-6;
        for (int k = 0; k < curve.Count; k++)
        {
            var p = curve[k];
            if (k > 0)
            {
                double h = curve[k - 1].T - p.T, mid = 0.5 * (curve[k - 1].T + p.T), e = 1e-3 * h;
                double r2 = (StateInformation.GaussianRate(mid + e, lambdas) - 2 * StateInformation.GaussianRate(mid, lambdas) + StateInformation.GaussianRate(mid - e, lambdas)) / (e * e);
                bound += 2 * h * h * h / 12 * Math.Abs(r2);
            }
            Assert.Equal(p.Theory!.Value, p.Rate, 6);
            Assert.True(Math.Abs(p.Information - p.TheoryInformation!.Value) < bound, $"t = {p.T}: I = {p.Information} vs {p.TheoryInformation} (bound {bound})");
        }
        Assert.All(result.Curve, p => Assert.Equal(Math.Log(2), p.H, 9));
    }
}
