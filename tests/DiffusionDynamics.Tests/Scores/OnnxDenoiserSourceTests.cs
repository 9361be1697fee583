using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;
using DiffusionDynamics.Time;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>
/// The imported-model source of the denoiser factory (<see cref="OnnxDenoiserSource"/>, registered in
/// <see cref="Denoisers.Factory"/>), the spec that carries <see cref="OnnxModelOptions"/>, and the 8×8 convolutional
/// ε-model fixture against its NumPy reference.
/// </summary>
public class OnnxDenoiserSourceTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => OnnxDenoiserTests.Fixture(name);

    private static Dataset Flat(int d, int n = 8) => new(Enumerable.Range(0, n * d).Select(i => (float)Math.Sin(i)).ToArray(), n, d);

    private static Dataset Images(int n = 8) => new(Enumerable.Range(0, n * 64).Select(i => (float)Math.Cos(i)).ToArray(), n, 64, itemShape: [1, 8, 8]);

    [Fact]
    public void FullFactory_BuildsAnImportedSpec_AsAnOnnxDenoiser_WithTheSpecsOptions()
    {
        var spec = DenoiserSpec.Imported(new OnnxModelOptions { ModelPath = Fixture("gaussian_v_cosine.onnx"), Prediction = OnnxPrediction.V, Schedule = OnnxScheduleKind.DdpmCosine, Threads = 1 });
        Assert.Contains(DenoiserKind.Imported, Denoisers.Factory.Kinds);
        using var built = (OnnxDenoiser)Denoisers.Factory.Create(spec, Flat(4));
        Assert.Equal(OnnxPrediction.V, built.Prediction);
        Assert.Equal(OnnxScheduleKind.DdpmCosine, built.Clock.Kind);
        Assert.Equal(4, built.Dimension);
    }

    [Fact]
    public void ImportedPathOnly_UsesDiffusersDefaults()
    {
        using var built = (OnnxDenoiser)Denoisers.Factory.Create(DenoiserSpec.Imported(Fixture("gaussian_eps_ddpm_int64.onnx")), Flat(4));
        Assert.Equal(OnnxPrediction.Epsilon, built.Prediction);
        Assert.Equal(OnnxScheduleKind.DdpmLinear, built.Clock.Kind);
    }

    [Fact]
    public void Spec_WithOnnxOptions_RoundTripsThroughJson()
    {
        var spec = DenoiserSpec.Imported(new OnnxModelOptions
        {
            ModelPath = "m.onnx", Prediction = OnnxPrediction.Sample, Schedule = OnnxScheduleKind.VpSde, SampleInput = "x", TimestepInput = "t",
            Mapping = OnnxTimestepMapping.Interpolate, ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [3] }, ItemShape = [1, 8, 8],
        });
        var back = DenoiserSpec.FromJson(spec.ToJson());
        Assert.Equal(spec, back);
        Assert.Equal([3.0], back.Onnx!.ExtraInputs["class_labels"]);
    }

    [Fact]
    public void Spec_RejectsOnnxOptionsOnAnotherKind_AndAPathMismatch()
    {
        var onnx = new OnnxModelOptions { ModelPath = "m.onnx" };
        Assert.Equal("Onnx", Assert.Throws<ArgumentException>(() => new DenoiserSpec(DenoiserKind.Gaussian, Onnx: onnx).Validate()).ParamName);
        Assert.Equal("Onnx", Assert.Throws<ArgumentException>(() => new DenoiserSpec(DenoiserKind.Imported, Path: "other.onnx", Onnx: onnx).Validate()).ParamName);
        Assert.Equal("Path", Assert.Throws<ArgumentException>(() => new DenoiserSpec(DenoiserKind.Imported).Validate()).ParamName);
    }

    [Fact]
    public void DimensionMismatch_NamesTheModelFileAndBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Denoisers.Factory.Create(DenoiserSpec.Imported(Fixture("gaussian_eps_ddpm_int64.onnx")), Flat(3)));
        Assert.Equal("Data", e.ParamName); // the {Data} option of the template (OptionMessage), --data on the command line
        Assert.Contains("gaussian_eps_ddpm_int64.onnx", e.Message);
        Assert.Contains("d = 3", e.Message);
        Assert.Contains("d = 4", e.Message);
    }

    [Fact]
    public void MissingClock_ForAFloatTimestep_IsAnArgumentExceptionNamingSchedule()
    {
        var e = Assert.Throws<ArgumentException>(() => Denoisers.Factory.Create(DenoiserSpec.Imported(Fixture("gaussian_eps_vp_float.onnx")), Flat(4)));
        Assert.Equal(nameof(OnnxModelOptions.Schedule), e.ParamName);
        Assert.Contains("gaussian_eps_vp_float.onnx", e.Message);
    }

    [Fact]
    public void ConvEpsModel_TakesTheImageShape_AndMatchesTheNumPyReference()
    {
        // ε̂ from NumPy (float64, explicit 3×3 loops) with the same float32 weights; the adapter's D is turned back into
        // ε̂ = (x − α D)/σ. Tolerance 3e−5: the float32 graph rounds the embedding arguments k ω_j (≤ 10³) to ~6e−5
        // absolute, damped by the O(0.3) embedding weights, and three float32 convolutions of 9–72 terms add ~1e−6.
        var x = Npy.Read(Fixture("conv_eps_8x8_x.npy")).ToSingleArray();
        var steps = (long[])Npy.Read(Fixture("conv_eps_8x8_timesteps.npy")).Data;
        var eps = Npy.Read(Fixture("conv_eps_8x8_expected.npy")).ToDoubleArray();
        using var onnx = (OnnxDenoiser)Denoisers.Factory.Create(DenoiserSpec.Imported(new OnnxModelOptions { ModelPath = Fixture("conv_eps_8x8.onnx"), Threads = 1 }), Images());
        Assert.Equal([1, 8, 8], onnx.ItemShape);
        var table = DdpmLinearSchedule.Default;
        double worst = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            int k = (int)steps[i];
            double t = table.Time(k), alpha = Math.Exp(-t), sigma = Math.Sqrt(OuTime.Delta(t));
            var xi = Enumerable.Range(0, 64).Select(j => (double)x[64 * i + j]).ToArray();
            using var xt = torch.tensor(xi).reshape(1, 64);
            using var d = onnx.Denoise(xt, t);
            var di = d.data<double>().ToArray();
            for (int j = 0; j < 64; j++)
            {
                double epsError = Math.Abs((xi[j] - alpha * di[j]) / sigma - eps[64 * i + j]);
                worst = Math.Max(worst, epsError);
                Assert.True(epsError <= 3e-5, $"row {i} (k = {k}), pixel {j}: |Δε̂| = {epsError:E3} > 3e-5");
            }
        }
        output.WriteLine($"conv ε-model: max |Δε̂| over 6 images × 64 pixels = {worst:E2}");
    }
}
