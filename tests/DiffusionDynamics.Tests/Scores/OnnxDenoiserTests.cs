using System.Diagnostics;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;
using DiffusionDynamics.Tests.Data;
using DiffusionDynamics.Time;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>
/// The graphs in tests/fixtures/onnx (made by make_models.py) compute the exact denoiser of N(m, C), d = 4, in each
/// convention; through <see cref="OnnxDenoiser"/> each must equal <see cref="GaussianDenoiser"/> in float64.
/// <para>Tolerance. The graphs run in float32 (unit roundoff u ≈ 6e−8). The ε-route D = (x − σ ε̂)/α turns an ε̂
/// rounded to a few ulps of |x|/σ into an error of a few ulps of |x|/α = e^{t}|x|, and the graph's own D carries a few
/// ulps of |D|; so the bound is |ΔD|∞ ≤ 1e−6 · (1 + |D|∞ + e^{t}|x|∞) (≈ 16u per term). It is tight at large t, where
/// α = e^{−t} is small (at k = 999, e^{t} ≈ 157): that loss is the ε-parametrization's, not the adapter's.
/// Discrete clocks are tested at OU times exactly on their table (t = t_k), where the nearest-step mapping is exact;
/// the interpolation option is tested separately.</para>
/// </summary>
public class OnnxDenoiserTests(ITestOutputHelper output)
{
    internal static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "onnx", name);

    private static GaussianDenoiser Reference(double[]? mean = null)
    {
        using var m = torch.tensor(mean ?? Npy.Read(Fixture("gaussian_mean.npy")).ToDoubleArray());
        using var c = torch.tensor(Npy.Read(Fixture("gaussian_cov.npy")).ToDoubleArray()).reshape(4, 4);
        return new GaussianDenoiser(m, c);
    }

    private static OnnxDenoiser Open(string file, Func<OnnxModelOptions, OnnxModelOptions>? edit = null)
    {
        var options = new OnnxModelOptions { ModelPath = Fixture(file), Threads = 1 };
        return new OnnxDenoiser(edit is null ? options : edit(options));
    }

    /// <summary>Points from the noised marginal P_t of the reference Gaussian (float64 [n, 4]).</summary>
    private static Tensor Points(GaussianDenoiser g, double t, int n = 64, long seed = 7) => g.SampleMarginal(t, n, seed);

    /// <summary>max |D_onnx − D_exact| and the float32 bound 1e−6 (1 + |D|∞ + e^{t}|x|∞).</summary>
    private static (double Error, double Bound) Compare(IDenoiser onnx, GaussianDenoiser exact, Tensor x, double t, double unit = 1e-6)
    {
        using var d = onnx.Denoise(x, t);
        using var e = exact.Denoise(x, t);
        Assert.Equal(x.dtype, d.dtype);
        Assert.Equal(x.shape, d.shape);
        double error = (d - e).abs().max().item<double>();
        double bound = unit * (1 + e.abs().max().item<double>() + Math.Exp(t) * x.abs().max().item<double>());
        return (error, bound);
    }

    private void AssertMatches(IDenoiser onnx, GaussianDenoiser exact, double t, double unit = 1e-6, int n = 64)
    {
        using var x = Points(exact, t, n);
        var (error, bound) = Compare(onnx, exact, x, t, unit);
        output.WriteLine($"t = {t:G6}: max |ΔD| = {error:E2} (bound {bound:E2})");
        Assert.True(error <= bound, $"t = {t}: max |ΔD| = {error:E3} exceeds {bound:E3}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(500)]
    [InlineData(999)]
    public void EpsilonInt64Ddpm_EqualsGaussianDenoiser_OnTableTimes(int k)
    {
        using var exact = Reference();
        using var onnx = Open("gaussian_eps_ddpm_int64.onnx");
        Assert.Equal(OnnxPrediction.Epsilon, onnx.Prediction);
        Assert.Equal(OnnxScheduleKind.DdpmLinear, onnx.Clock.Kind); // default for an integer timestep
        Assert.Equal("int64", onnx.TimestepElementType);
        AssertMatches(onnx, exact, DdpmLinearSchedule.Default.Time(k));
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    public void EpsilonFloatScalarVpTime_EqualsGaussianDenoiser_AtAnyTime(double t)
    {
        // Scalar float32 input carrying 999 s (score_sde's scaling); t(s) continuous, so every t is represented exactly.
        using var exact = Reference();
        using var onnx = Open("gaussian_eps_vp_float.onnx", o => o with { Schedule = OnnxScheduleKind.VpSde, VpTimeScale = 999 });
        Assert.Equal(0.0, onnx.Level(t).TimeError);
        AssertMatches(onnx, exact, t);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(250)]
    [InlineData(700)]
    [InlineData(990)]
    public void VPredictionCosine_EqualsGaussianDenoiser_OnTableTimes(int k)
    {
        using var exact = Reference();
        using var onnx = Open("gaussian_v_cosine.onnx", o => o with { Schedule = OnnxScheduleKind.DdpmCosine, Prediction = OnnxPrediction.V });
        AssertMatches(onnx, exact, CosineSchedule.Default.Time(k));
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.77)]
    [InlineData(2.5)]
    public void VPredictionCosine_FractionalStepInterpolation_IsExactBetweenSteps(double t)
    {
        // The graph interpolates its ln ᾱ table linearly in the fractional step, which is the clock's κ(t): a float
        // timestep input with the Interpolate mapping then represents t itself, and D is exact off the table too.
        using var exact = Reference();
        using var onnx = Open("gaussian_v_cosine.onnx", o => o with
        {
            Schedule = OnnxScheduleKind.DdpmCosine, Prediction = OnnxPrediction.V, Mapping = OnnxTimestepMapping.Interpolate,
        });
        var level = onnx.Level(t);
        Assert.False(level.IsMixed);
        Assert.Equal(0.0, level.TimeError);
        Assert.NotEqual(Math.Round(level.Evaluations[0].ModelValue), level.Evaluations[0].ModelValue); // fractional
        AssertMatches(onnx, exact, t);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    [InlineData(499)]
    public void SamplePredictionImages_FromSchedulerConfig_EqualsGaussianDenoiser(int k)
    {
        // [B, 1, 2, 2] sample, int64 timestep [1], table and prediction_type ("sample") from a diffusers scheduler_config.json.
        using var exact = Reference();
        using var onnx = Open("gaussian_x0_images.onnx", o => o with { SchedulePath = Fixture("scheduler_config.json") });
        Assert.Equal(new[] { 1, 2, 2 }, onnx.ItemShape);
        Assert.Equal(OnnxPrediction.Sample, onnx.Prediction);
        double t = ScheduleFile.ScaledLinear(500, 0.00085, 0.012).Time(k);
        AssertMatches(onnx, exact, t);
    }

    [Theory]
    [InlineData(0.002)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void EdmDenoiser_EqualsGaussianDenoiser(double t)
    {
        // The graph includes the preconditioning: D(x_σ, σ) with x_σ = x e^{t}; the result needs no conversion.
        using var exact = Reference();
        using var onnx = Open("gaussian_edm_denoiser.onnx", o => o with { Schedule = OnnxScheduleKind.Edm, SampleInput = "x", TimestepInput = "sigma" });
        Assert.Equal(OnnxPrediction.Sample, onnx.Prediction);
        AssertMatches(onnx, exact, t);
    }

    [Theory]
    [InlineData(0.002)]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(4.0)]
    public void EdmRawNetwork_EqualsGaussianDenoiser(double t)
    {
        // The graph is F alone: D = c_skip x_σ + c_out F(c_in x_σ, ¼ ln σ), σ_data = 0.5.
        using var exact = Reference();
        using var onnx = Open("gaussian_edm_raw.onnx", o => o with
        {
            Schedule = OnnxScheduleKind.Edm, EdmPreconditioning = EdmPreconditioning.RawNetwork, SampleInput = "x_in", TimestepInput = "c_noise",
        });
        AssertMatches(onnx, exact, t);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(300)]
    public void Float16Sample_EqualsGaussianDenoiser_ToHalfPrecision(int k)
    {
        // float16 sample and output: unit roundoff 4.9e−4, so the bound's unit is 2e−3 (≈ 4 half-ulps per term).
        using var exact = Reference();
        using var onnx = Open("gaussian_eps_fp16.onnx");
        Assert.Equal("float16", onnx.SampleElementType);
        AssertMatches(onnx, exact, DdpmLinearSchedule.Default.Time(k), unit: 2e-3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void ClassLabelExtraInput_GivesTheClassConditionalDenoiser(int label)
    {
        var means = Npy.Read(Fixture("gaussian_class_means.npy")).ToDoubleArray();
        using var exact = Reference(means.Skip(4 * label).Take(4).ToArray());
        using var onnx = Open("gaussian_eps_class.onnx", o => o with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [label] } });
        AssertMatches(onnx, exact, DdpmLinearSchedule.Default.Time(200));
    }

    [Fact]
    public void WithExtraInputs_SharesTheSession_AndOutlivesTheOriginal()
    {
        var means = Npy.Read(Fixture("gaussian_class_means.npy")).ToDoubleArray();
        using var exact1 = Reference(means.Skip(4).Take(4).ToArray());
        var class0 = Open("gaussian_eps_class.onnx", o => o with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [0] } });
        using var class1 = class0.WithExtraInputs(new Dictionary<string, double[]> { ["class_labels"] = [1] });
        class0.Dispose();
        AssertMatches(class1, exact1, DdpmLinearSchedule.Default.Time(350));
        Assert.Throws<ObjectDisposedException>(() => class0.WithExtraInputs(new Dictionary<string, double[]> { ["class_labels"] = [1] }));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    public void FixedBatchGraph_RunsInPaddedChunks(int b)
    {
        // An export with a static batch of 4 and an int32 timestep [4]: batches of any size run in chunks of 4, the
        // last one zero-padded.
        using var exact = Reference();
        using var onnx = Open("gaussian_eps_fixed_batch.onnx");
        Assert.Equal(4, onnx.ChunkSize);
        Assert.Equal("int32", onnx.TimestepElementType);
        AssertMatches(onnx, exact, DdpmLinearSchedule.Default.Time(250), n: b);
    }

    [Fact]
    public void Float32Input_GivesFloat32Result_WithinFloat32Precision()
    {
        using var exact = Reference();
        using var onnx = Open("gaussian_eps_ddpm_int64.onnx");
        double t = DdpmLinearSchedule.Default.Time(300);
        using var x64 = Points(exact, t);
        using var x32 = x64.to_type(ScalarType.Float32);
        using var d32 = onnx.Denoise(x32, t);
        Assert.Equal(ScalarType.Float32, d32.dtype);
        using var e = exact.Denoise(x64, t);
        double bound = 1e-6 * (1 + e.abs().max().item<double>() + Math.Exp(t) * x64.abs().max().item<double>());
        Assert.True((d32.to_type(ScalarType.Float64) - e).abs().max().item<double>() <= bound);
    }

    [Fact]
    public void IntegerStepInterpolation_ErrorIsBoundedAndBelowTheNearestStep()
    {
        // Between t_k and t_{k+1} an int64 model is evaluated at both steps and D = (1 − w) D_k + w D_{k+1}. Linear
        // interpolation of the smooth D(·, t) errs by ≈ w(1 − w) h² |∂²D/∂t²| / 2, far below the nearest step's
        // |D(t_k) − D(t)| ≈ |∂D/∂t| |Δt|: the test asks for ≤ ¼ of the nearest step's error, plus the float32 bound.
        using var exact = Reference();
        using var nearest = Open("gaussian_eps_ddpm_int64.onnx");
        using var interpolated = Open("gaussian_eps_ddpm_int64.onnx", o => o with { Mapping = OnnxTimestepMapping.Interpolate });
        var table = DdpmLinearSchedule.Default;
        foreach (int k in new[] { 3, 40, 400 })
        {
            double t = table.Time(k) + 0.4 * (table.Time(k + 1) - table.Time(k));
            var level = interpolated.Level(t);
            Assert.True(level.IsMixed);
            Assert.Equal(0.0, level.TimeError);
            Assert.Equal(1.0, level.Evaluations.Sum(e => e.Weight), 12);
            Assert.Equal(table.Time(k) - t, nearest.Level(t).RepresentedTime - t, 15);
            using var x = Points(exact, t);
            var (nearestError, bound) = Compare(nearest, exact, x, t);
            var (interpolatedError, _) = Compare(interpolated, exact, x, t);
            output.WriteLine($"k = {k}: |Δt| = {nearest.Level(t).TimeError:E2}, nearest |ΔD| = {nearestError:E2}, interpolated |ΔD| = {interpolatedError:E2}");
            Assert.True(nearestError > 10 * bound, "the off-table time must be far enough from t_k to see the nearest-step error");
            Assert.True(interpolatedError <= 0.25 * nearestError + bound, $"k = {k}: interpolated {interpolatedError:E3} vs nearest {nearestError:E3}");
        }
    }

    [Fact]
    public void Mlp_MatchesTheNumPyReference()
    {
        // ε̂(x_i, k_i) from NumPy in float64 with the same float32 weights. The adapter returns D_i = (x_i − σ_k ε̂)/α_k
        // (float64 conversion, exact to rounding), so its ε̂ = (x_i − α_k D_i)/σ_k is compared with the reference.
        // Tolerance 2e−5 on ε̂: the float32 graph rounds the embedding arguments k ω_j (up to ~10³) to u·10³ ≈ 6e−5
        // absolute, which the network passes on damped by its O(0.1–1) input weights; the matmuls add ~1e−6.
        // The same tolerance in D terms is (σ/α)·2e−5, the ε-route's amplification at large t.
        var x = Npy.Read(Fixture("mlp_eps_x.npy")).ToSingleArray();
        var steps = (long[])Npy.Read(Fixture("mlp_eps_timesteps.npy")).Data;
        var eps = Npy.Read(Fixture("mlp_eps_expected.npy")).ToDoubleArray();
        using var onnx = Open("mlp_eps.onnx");
        var table = DdpmLinearSchedule.Default;
        double worst = 0;
        for (int i = 0; i < steps.Length; i++)
        {
            int k = (int)steps[i];
            double t = table.Time(k), alpha = Math.Exp(-t), sigma = Math.Sqrt(OuTime.Delta(t));
            var xi = Enumerable.Range(0, 4).Select(j => (double)x[4 * i + j]).ToArray();
            using var xt = torch.tensor(xi).reshape(1, 4);
            using var d = onnx.Denoise(xt, t);
            for (int j = 0; j < 4; j++)
            {
                double dij = d[0, j].item<double>();
                double expectedD = (xi[j] - sigma * eps[4 * i + j]) / alpha;
                Assert.True(Math.Abs(dij - expectedD) <= sigma / alpha * 2e-5 + 1e-12 * (1 + Math.Abs(expectedD)));
                double epsError = Math.Abs((xi[j] - alpha * dij) / sigma - eps[4 * i + j]);
                worst = Math.Max(worst, epsError);
                Assert.True(epsError <= 2e-5, $"row {i} (k = {k}), coordinate {j}: |Δε̂| = {epsError:E3} > 2e-5");
            }
        }
        output.WriteLine($"max |Δε̂| over 16 rows × 4 coordinates = {worst:E2}");
    }

    [Fact]
    public void Results_DoNotDependOnBatchSizeOrChunking()
    {
        // Each item's output depends on that item alone: the whole batch, chunks of 5 and single rows agree exactly
        // up to the float32 kernels' batch-size-dependent summation order (checked at 1e−6 relative).
        using var exact = Reference();
        using var whole = Open("mlp_eps.onnx");
        using var chunked = Open("mlp_eps.onnx", o => o with { MaxChunkElements = 4 * 5 });
        Assert.Equal(5, chunked.ChunkSize);
        double t = DdpmLinearSchedule.Default.Time(123);
        using var x = Points(exact, t, 37);
        using var dWhole = whole.Denoise(x, t);
        using var dChunked = chunked.Denoise(x, t);
        double scale = 1 + dWhole.abs().max().item<double>();
        double chunkDiff = (dWhole - dChunked).abs().max().item<double>();
        double rowDiff = 0;
        for (int i = 0; i < 37; i++)
        {
            using var row = whole.Denoise(x.narrow(0, i, 1), t);
            rowDiff = Math.Max(rowDiff, (row - dWhole.narrow(0, i, 1)).abs().max().item<double>());
        }
        output.WriteLine($"max |Δ| whole vs chunks of 5: {chunkDiff:E2}; whole vs single rows: {rowDiff:E2}");
        Assert.True(chunkDiff <= 1e-6 * scale);
        Assert.True(rowDiff <= 1e-6 * scale);
    }

    [Fact]
    public void Float16Graph_ResultsDoNotDependOnBatchSizeOrChunking_AndAcceptFloat64Input()
    {
        // The float16 path converts x to half, runs, and converts the output back: per item, so whole batch, chunks of 3 and single
        // rows agree to the half kernels' batch-dependent summation order (1 half ulp ≈ 1e−3 relative, bound 2e−3). A float64 x (as the
        // memory experiment passes) is converted the same way and gives a float64 D within half precision of the exact Gaussian.
        using var exact = Reference();
        using var whole = Open("gaussian_eps_fp16.onnx");
        using var chunked = Open("gaussian_eps_fp16.onnx", o => o with { MaxChunkElements = 4 * 3 });
        double t = DdpmLinearSchedule.Default.Time(200);
        using var x = Points(exact, t, 11);
        using var dWhole = whole.Denoise(x, t);
        using var dChunked = chunked.Denoise(x, t);
        Assert.Equal(torch.ScalarType.Float64, dWhole.dtype);
        double scale = 1 + dWhole.abs().max().item<double>();
        double chunkDiff = (dWhole - dChunked).abs().max().item<double>(), rowDiff = 0;
        for (int i = 0; i < 11; i++)
        {
            using var row = whole.Denoise(x.narrow(0, i, 1), t);
            rowDiff = Math.Max(rowDiff, (row - dWhole.narrow(0, i, 1)).abs().max().item<double>());
        }
        output.WriteLine($"float16: max |Δ| whole vs chunks of 3: {chunkDiff:E2}; whole vs single rows: {rowDiff:E2}");
        Assert.True(chunkDiff <= 2e-3 * scale);
        Assert.True(rowDiff <= 2e-3 * scale);
        var (error, bound) = Compare(whole, exact, x, t, unit: 2e-3);
        Assert.True(error <= bound, $"float64 input: {error:E3} > {bound:E3}");
    }

    [Fact]
    public void ConvImageGraph_ResultsDoNotDependOnBatchSizeOrChunking()
    {
        // The [B, 1, 8, 8] path (reshaped from [B, 64]): convolutions act per item, so the batch, chunks of 7 and single rows agree up
        // to the float32 kernels' batch-dependent summation order (1e−6 relative).
        using var whole = Open("conv_eps_8x8.onnx");
        using var chunked = Open("conv_eps_8x8.onnx", o => o with { MaxChunkElements = 64 * 7 });
        Assert.Equal(7, chunked.ChunkSize);
        double t = DdpmLinearSchedule.Default.Time(400);
        using var x = torch.randn([23, 64], dtype: torch.ScalarType.Float64, generator: new torch.Generator(17));
        using var dWhole = whole.Denoise(x, t);
        using var dChunked = chunked.Denoise(x, t);
        double scale = 1 + dWhole.abs().max().item<double>();
        double chunkDiff = (dWhole - dChunked).abs().max().item<double>(), rowDiff = 0;
        for (int i = 0; i < 23; i++)
        {
            using var row = whole.Denoise(x.narrow(0, i, 1), t);
            rowDiff = Math.Max(rowDiff, (row - dWhole.narrow(0, i, 1)).abs().max().item<double>());
        }
        output.WriteLine($"conv: max |Δ| whole vs chunks of 7: {chunkDiff:E2}; whole vs single rows: {rowDiff:E2}");
        Assert.True(chunkDiff <= 1e-6 * scale);
        Assert.True(rowDiff <= 1e-6 * scale);
    }

    [Fact]
    public void ModelClockLog_RecordsEveryCallsMappingError_OnlyInsideALog()
    {
        // Outside a log nothing is recorded; inside, each D(x, t) call adds its |Δt| = |t_k − t| (OnnxClock.Map). Times: two inside the
        // DDPM table's range [t_0, t_999] and one above it (clamped to t_999); the summary's numbers are those of Map at the same t.
        var log = ModelClockLog.Begin();
        using var onnx = Open("gaussian_eps_ddpm_int64.onnx");
        using var x = torch.zeros([3, 4], dtype: torch.ScalarType.Float32);
        double[] times = [0.0123, 0.777, 7.5];
        foreach (var t in times) onnx.Denoise(x, t).Dispose();
        var use = Assert.Single(log.Summaries());
        var errors = times.Select(t => onnx.Level(t).TimeError).ToArray();
        Assert.Equal(3, use.Evaluations);
        Assert.Equal(1, use.OutOfRange);
        Assert.Equal(errors.Max(), use.MaxTimeError, 15);
        Assert.Equal(7.5, use.WorstTime);
        Assert.Equal(7.5 - onnx.Clock.Range.Max, use.MaxTimeError, 12);
        Assert.Equal(Math.Max(errors[0], errors[1]), use.MaxInRangeError, 15);
        Assert.Equal(errors.Average(), use.MeanTimeError, 15);
        Assert.Equal(times.Zip(errors, (t, e) => e / t).Max(), use.MaxRelativeError, 15);
        Assert.Equal((0.0123, 7.5), (use.TMin, use.TMax));
        Assert.StartsWith("gaussian_eps_ddpm_int64.onnx", use.Model);

        // Interpolation has no rounding inside the range; a model built before the log was opened is not in it.
        var next = ModelClockLog.Begin();
        using var interpolated = Open("gaussian_eps_ddpm_int64.onnx", o => o with { Mapping = OnnxTimestepMapping.Interpolate });
        interpolated.Denoise(x, 0.777).Dispose();
        onnx.Denoise(x, 0.777).Dispose();
        var only = Assert.Single(next.Summaries());
        Assert.Equal("interpolation", only.Mapping);
        Assert.Equal(0, only.MaxInRangeError);
        Assert.Equal(4, log.Summaries()[0].Evaluations); // the first model still reports to its own log
    }

    [Fact]
    public void Throughput_MlpAtBatch256()
    {
        // A quick check, not a benchmark: D(x, t) of the MLP ε-model at B = 256, one thread and the default (all cores).
        using var exact = Reference();
        double t = DdpmLinearSchedule.Default.Time(500);
        using var x = Points(exact, t, 256).to_type(ScalarType.Float32);
        foreach (int threads in new[] { 1, 0 })
        {
            using var onnx = Open("mlp_eps.onnx", o => o with { Threads = threads });
            for (int i = 0; i < 20; i++) onnx.Denoise(x, t).Dispose();
            int calls = 400;
            long managedBefore = GC.GetAllocatedBytesForCurrentThread();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < calls; i++) onnx.Denoise(x, t).Dispose();
            watch.Stop();
            double cpuPerCall = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / calls;
            double managedPerCall = (GC.GetAllocatedBytesForCurrentThread() - managedBefore) / (double)calls;
            double perCall = watch.Elapsed.TotalMilliseconds / calls;
            output.WriteLine($"threads = {(threads == 0 ? "default" : threads)}: {perCall:F3} ms per D(x, t) call at B = 256, " +
                $"{256 / perCall * 1000:F0} items/s; process CPU {cpuPerCall:F3} ms per call (other tests running in parallel add to it); {managedPerCall:F0} managed bytes per call");
            Assert.True(perCall > 0);
        }
    }

    [Fact]
    public void ManagedAllocationPerCall_DoesNotGrowWithTheBatch()
    {
        // The sample and output live in torch's native memory and the level buffer is pinned once and reused, so the
        // managed garbage of a call is a fixed set of small wrappers (tensors, OrtValues, shapes): the same at B = 16
        // and B = 4096 (where one managed float32 copy of x would add 64 kB).
        using var exact = Reference();
        using var onnx = Open("mlp_eps.onnx");
        double t = DdpmLinearSchedule.Default.Time(500);
        double PerCall(int b)
        {
            using var x = Points(exact, t, b).to_type(ScalarType.Float32);
            for (int i = 0; i < 5; i++) onnx.Denoise(x, t).Dispose();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 50; i++) onnx.Denoise(x, t).Dispose();
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 50.0;
        }
        double small = PerCall(16), large = PerCall(4096);
        output.WriteLine($"managed bytes per call: {small:F0} at B = 16, {large:F0} at B = 4096");
        Assert.True(Math.Abs(large - small) < 1024, $"{small:F0} vs {large:F0} managed bytes per call");
    }

    // ---- Errors: each names the model file and what does not fit. ----

    [Fact]
    public void NotAnOnnxFile_GivesDataFormatException()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.onnx");
        File.WriteAllText(path, "this is not a protobuf\n");
        var e = Assert.Throws<DataFormatException>(() => new OnnxDenoiser(new OnnxModelOptions { ModelPath = path }));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a valid ONNX model", e.Message);
    }

    [Fact]
    public void TruncatedOnnxFile_GivesDataFormatException()
    {
        using var dir = new TempDirectory();
        string path = dir.File("truncated.onnx");
        var bytes = File.ReadAllBytes(Fixture("mlp_eps.onnx"));
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DataFormatException>(() => new OnnxDenoiser(new OnnxModelOptions { ModelPath = path }));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MissingFile_GivesFileNotFound()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new OnnxDenoiser(new OnnxModelOptions { ModelPath = Fixture("no_such_model.onnx") }));
        Assert.Contains("no_such_model.onnx", e.Message);
    }

    [Fact]
    public void MissingNamedInput_NamesTheFileAndListsTheInputs()
    {
        var e = Assert.Throws<ArgumentException>(() => Open("gaussian_edm_denoiser.onnx", o => o with { Schedule = OnnxScheduleKind.Edm }));
        Assert.Contains(Fixture("gaussian_edm_denoiser.onnx"), e.Message);
        Assert.Contains("no input 'sample'", e.Message);
        Assert.Equal(nameof(OnnxModelOptions.SampleInput), e.ParamName);
        Assert.Contains("x [batch, 4] float32", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { TimestepInput = "t" }));
        Assert.Contains("no input 't'", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { Output = "eps" }));
        Assert.Contains("no output 'eps'", e3.Message);
    }

    [Fact]
    public void RequiredExtraInputNotGiven_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_class.onnx"));
        Assert.Contains(Fixture("gaussian_eps_class.onnx"), e.Message);
        Assert.Contains("class_labels [batch] int64", e.Message);
        Assert.Contains("ExtraInputs", e.Message);
    }

    [Fact]
    public void UnknownExtraInput_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx",
            o => o with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [1] } }));
        Assert.Contains("extra input 'class_labels' is not another input", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_class.onnx",
            o => o with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [1, 2] } }));
        Assert.Contains("needs 1 or 1 values per item", e2.Message);
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheItemShape_IsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { ItemShape = [8] }));
        Assert.Contains(Fixture("gaussian_eps_ddpm_int64.onnx"), e.Message);
        Assert.Contains("does not match the item shape [8]", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { ItemShape = [1, 2, 2] }));
        Assert.Contains("rank 2", e2.Message);
        // Same rank and d, other extents.
        var e3 = Assert.Throws<ArgumentException>(() => Open("gaussian_x0_images.onnx", o => o with { ItemShape = [1, 4, 1], SchedulePath = Fixture("scheduler_config.json") }));
        Assert.Contains("does not match the item shape", e3.Message);
    }

    [Fact]
    public void WrongBatchShapeAtCallTime_IsAnArgumentException()
    {
        using var onnx = Open("gaussian_eps_ddpm_int64.onnx");
        using var x = torch.zeros(3, 5, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => onnx.Denoise(x, 0.5));
        using var ok = torch.zeros(3, 4, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentOutOfRangeException>(() => onnx.Denoise(ok, 0));
    }

    [Fact]
    public void MissingClockOption_IsAClearError()
    {
        // A float timestep has no default clock.
        var e = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_vp_float.onnx"));
        Assert.Contains(Fixture("gaussian_eps_vp_float.onnx"), e.Message);
        Assert.Contains("missing clock option", e.Message);
        Assert.Equal(nameof(OnnxModelOptions.Schedule), e.ParamName); // the option a caller (the CLI) names in its message
        // A table clock without its file.
        var e2 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { Schedule = OnnxScheduleKind.Table }));
        Assert.Contains("missing clock option", e2.Message);
        // A continuous clock on an integer input.
        var e3 = Assert.Throws<ArgumentException>(() => Open("gaussian_eps_ddpm_int64.onnx", o => o with { Schedule = OnnxScheduleKind.Edm }));
        Assert.Contains("is an integer", e3.Message);
    }

    [Fact]
    public void Describe_NamesInputsPredictionAndClock()
    {
        using var onnx = Open("gaussian_eps_class.onnx", o => o with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [1] } });
        string text = onnx.Describe();
        output.WriteLine(text);
        Assert.Contains("sample [B, 4] float32", text);
        Assert.Contains("timestep int64 [B]", text);
        Assert.Contains("ddpm-linear", text);
        Assert.Contains("class_labels", text);
    }
}
