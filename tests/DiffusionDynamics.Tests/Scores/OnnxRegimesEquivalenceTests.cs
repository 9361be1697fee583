using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>
/// The regimes experiment run with the exact-Gaussian ONNX graph (through the factory) against the same experiment run with the
/// analytic <see cref="GaussianDenoiser"/> of the same N(m, C): same seeds, so the two runs differ only by the graph's float32
/// arithmetic and its nearest-step clock; the measured curves must agree.
/// </summary>
public class OnnxRegimesEquivalenceTests(ITestOutputHelper output)
{
    [Fact]
    public void Regimes_WithTheGaussianGraph_EqualsRegimesWithTheAnalyticGaussian()
    {
        var mean = Npy.Read(OnnxDenoiserTests.Fixture("gaussian_mean.npy")).ToDoubleArray();
        var cov = Npy.Read(OnnxDenoiserTests.Fixture("gaussian_cov.npy")).ToDoubleArray();
        using var m = torch.tensor(mean);
        using var c = torch.tensor(cov).reshape(4, 4);
        using var analytic = new GaussianDenoiser(m, c);
        using var draws = analytic.SampleMarginal(1e-9, 300, 21).to_type(torch.ScalarType.Float32);
        var data = new Dataset(draws.data<float>().ToArray(), 300, 4, name: "N(m, C)");
        using var onnx = (OnnxDenoiser)Denoisers.Factory.Create(DenoiserSpec.Imported(new OnnxModelOptions { ModelPath = OnnxDenoiserTests.Fixture("gaussian_eps_ddpm_int64.onnx"), Threads = 1 }), data);
        var options = new RegimesOptions(Pairs: 48, Steps: 80, BranchCount: 6, EntropySamples: 128, EntropyTimes: 4, Bootstrap: 20, TMax: 5.0);
        var a = RegimesExperiment.Run(data, options, model: onnx);
        var b = RegimesExperiment.Run(data, options, model: analytic);
        // φ_C: one clone pair in 48 may land on another nearest point when float32 rounding or the nearest-step clock moves a final
        // sample across a Voronoi boundary: |Δφ_C| ≤ 2/48 at every branch time. Memorized share: the Gaussian never collapses, 0 both.
        for (int i = 0; i < a.Collapse.Curve.Count; i++)
        {
            output.WriteLine($"t = {a.Collapse.Curve[i].T:F3}: φ_C onnx {a.Collapse.Curve[i].PhiC:F3}, analytic {b.Collapse.Curve[i].PhiC:F3}");
            Assert.Equal(b.Collapse.Curve[i].T, a.Collapse.Curve[i].T, 12);
            Assert.True(Math.Abs(a.Collapse.Curve[i].PhiC - b.Collapse.Curve[i].PhiC) <= 2.0 / 48 + 1e-12);
        }
        Assert.Equal(b.Collapse.MemorizedFraction, a.Collapse.MemorizedFraction);
        Assert.Equal(0.0, a.Collapse.MemorizedFraction);
        Assert.Equal(b.Speciation.Theory, a.Speciation.Theory, 12);
    }
}
