using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;
using DiffusionDynamics.Tests.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>
/// mixture_eps_class.onnx (tests/fixtures/onnx/make_models.py) is the exact ε-model of ½N(m₀, C) + ½N(m₁, C), d = 4, with a class-label input:
/// labels 0, 1 give the Gaussian D_y of class y, the null label 2 the mixture's D. Tolerance as in OnnxDenoiserTests: the float32 graph's
/// ε-route loses a few ulps of e^{t}|x|, so |ΔD|∞ ≤ 1e−5 · (1 + |D|∞ + e^{t}|x|∞) (10× that file's bound: the mixture adds a sigmoid and
/// a second Gaussian, each a few more roundings).
/// </summary>
public class ClassConditionalPairTests
{
    internal static ClassConditionalDensities ExactMixture()
    {
        var means = Npy.Read(OnnxDenoiserTests.Fixture("gaussian_class_means.npy")).ToDoubleArray();
        var cov = torch.tensor(Npy.Read(OnnxDenoiserTests.Fixture("gaussian_cov.npy")).ToDoubleArray()).reshape(4, 4);
        return new ClassConditionalDensities([0, 1], [0.5, 0.5],
            [new GaussianDenoiser(torch.tensor(means.Take(4).ToArray()), cov), new GaussianDenoiser(torch.tensor(means.Skip(4).ToArray()), cov)]);
    }

    internal static OnnxDenoiser Graph(int label) => new(new OnnxModelOptions
    {
        ModelPath = OnnxDenoiserTests.Fixture("mixture_eps_class.onnx"), Threads = 1, Schedule = OnnxScheduleKind.VpSde,
        ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [label] },
    });

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.7)]
    [InlineData(2.5)]
    public void MixtureGraph_LabelsGiveTheClassDenoisers_AndTheNullLabelTheMixture(double t)
    {
        using var exact = ExactMixture();
        var x = torch.randn(64, 4, dtype: ScalarType.Float64, generator: torch.manual_seed(5)) * 2;
        for (int label = 0; label <= 2; label++)
        {
            using var onnx = Graph(label);
            var reference = label == 2 ? exact.Denoise(x, t) : exact.ForClass(label).Denoise(x, t);
            var got = onnx.Denoise(x, t).to_type(ScalarType.Float64);
            double bound = 1e-5 * (1 + reference.abs().max().item<double>() + Math.Exp(t) * x.abs().max().item<double>());
            double err = (got - reference).abs().max().item<double>();
            Assert.True(err < bound, $"label {label}, t = {t}: |ΔD| = {err:G3} > {bound:G3}");
        }
    }

    [Fact]
    public void Pair_ForwardsD_AndD_c_AndChecksItsInputs()
    {
        using var exact = ExactMixture();
        var pair = new ClassConditionalPair(Graph(2), new Dictionary<int, IDenoiser> { [0] = Graph(0), [1] = Graph(1) }, "mixture graph");
        using (pair)
        {
            var x = torch.randn(8, 4, dtype: ScalarType.Float64, generator: torch.manual_seed(6));
            Assert.True((pair.Denoise(x, 0.5).to_type(ScalarType.Float64) - exact.Denoise(x, 0.5)).abs().max().item<double>() < 1e-4);
            Assert.Equal([0, 1], pair.Classes);
            Assert.Null(((IDenoiser)pair).As<IClassPosterior>());
            Assert.Contains("no denoiser", Assert.Throws<ArgumentOutOfRangeException>(() => pair.ForClass(3)).Message);
        }
        using var g = Graph(0);
        Assert.Throws<ArgumentException>(() => new ClassConditionalPair(g, new Dictionary<int, IDenoiser> { [0] = g }, "one class"));
    }

    [Fact]
    public void Entropy_OnTheMixtureGraph_MatchesTheExactPosterior()
    {
        // The ONNX pair has no exact posterior: H comes from the online Bayes classifier along the chains. Same seed, same grid as the exact
        // run, whose H is the exact posterior entropy averaged over its own chains (the same noise; D differs by float32 round-off only).
        // Allowance: 4 combined SE plus 0.03 nats, the online classifier's discretization on 100 + 20 steps (mean |Δp| ≈ 0.01, §7.4).
        using var exact = ExactMixture();
        var pair = new ClassConditionalPair(Graph(2), new Dictionary<int, IDenoiser> { [0] = Graph(0), [1] = Graph(1) }, "mixture graph");
        using var _ = pair;
        var data = Sample(exact, 400);
        var options = new ClassEntropyOptions(Samples: 300, Batch: 300, Steps: 100, Immse: false, TMax: 4, Symmetry: false, StateInformation: false);
        var reference = ClassEntropyAnalysis.Run(new ClassEntropyInputs(exact, data, Priors: [0.5, 0.5]), options);
        var onnx = ClassEntropyAnalysis.Run(new ClassEntropyInputs(pair, data, Priors: [0.5, 0.5]), options);
        Assert.Equal("online Bayes", onnx.Estimator);
        Assert.Null(onnx.Tracking);
        int outside = 0;
        double worst = 0;
        for (int k = 0; k < onnx.Curve.Count; k++)
        {
            var (a, b) = (onnx.Curve[k], reference.Curve[k]);
            double diff = Math.Abs(a.H - b.H);
            worst = Math.Max(worst, diff);
            if (diff > 4 * Math.Sqrt(a.Stderr * a.Stderr + b.Stderr * b.Stderr) + 0.03) outside++;
        }
        Console.WriteLine($"ONNX pair vs exact posterior: max |ΔH| = {worst:G3}; H(t_min) = {onnx.Curve[^1].H:F4} vs {reference.Curve[^1].H:F4}");
        Assert.True(outside == 0, $"{outside} grid times off (max |ΔH| = {worst})");
        Assert.True(reference.Curve[^1].H < 0.5 * Math.Log(2), "the classes must be decided by t_min for the test to mean anything");
    }

    /// <summary>Labelled draws of the mixture (labels alternate, so the priors are exactly ½).</summary>
    private static Dataset Sample(ClassConditionalDensities exact, int n)
    {
        var values = new float[n * 4];
        var labels = new int[n];
        for (int c = 0; c < 2; c++)
        {
            var draws = ((GaussianDenoiser)exact.ForClass(c)).SampleMarginal(1e-9, n / 2, seed: 40 + c).to_type(ScalarType.Float32).data<float>().ToArray();
            for (int i = 0; i < n / 2; i++)
            {
                Array.Copy(draws, i * 4, values, (2 * i + c) * 4, 4);
                labels[2 * i + c] = c;
            }
        }
        return new Dataset(values, n, 4, labels, name: "mixture draws");
    }
}
