using System.Runtime.InteropServices;
using DiffusionDynamics.Backend;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Backend;

/// <summary>
/// Fix 3 (README, "TorchSharp on this machine kind"): float32 conv2d input gradients are right on this CPU only with oneDNN capped at AVX.
/// </summary>
public class ConvGradientFixTests
{
    [DllImport("libc", EntryPoint = "getenv")]
    private static extern IntPtr GetEnvNative(string name);

    [Fact]
    public void OneDnn_sees_the_AVX_cap_through_native_getenv()
    {
        string? native = Marshal.PtrToStringAnsi(GetEnvNative("ONEDNN_MAX_CPU_ISA"));
        Assert.Equal(TorchRuntime.NativeSettings["ONEDNN_MAX_CPU_ISA"], native);
        if (Environment.GetEnvironmentVariable("DIFFDYN_TEST_OWN_ONEDNN_ISA") is null) Assert.Equal("AVX", native);
    }

    /// <summary>
    /// ∂L/∂x for L = Σ g ⊙ conv2d(x, w, b) in float32 against the same inputs in float64. Each gradient
    /// entry is a sum of K = C_out·k_h·k_w products g·w, so the float32 result obeys
    /// |err| ≤ γ_K Σ|g||w| with γ_K ≈ K u, u = 2⁻²⁴ (Higham, Thm 3.1 for inner products). The test allows
    /// 2 K u Σ|g||w| + 1e-30 entrywise; the broken oneDNN kernels give O(1) errors or NaN.
    /// </summary>
    [Theory]
    [InlineData(4, 8, 1, 3, 28, 28, 1)]  // the shape that failed without the cap
    [InlineData(2, 1, 8, 3, 28, 28, 1)]
    [InlineData(3, 16, 4, 5, 14, 14, 2)]
    [InlineData(2, 32, 1, 3, 7, 7, 1)]
    [InlineData(5, 3, 2, 3, 9, 11, 0)]
    public void Float32_conv2d_input_gradient_matches_float64(int batch, int cin, int cout, int k, int h, int w, int padding)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator((ulong)(1000 + cin * 31 + cout));
        var x = randn([batch, cin, h, w], generator: gen);
        var weight = randn([cout, cin, k, k], generator: gen).div_(Math.Sqrt(cin * k * k));
        var bias = randn([cout], generator: gen);
        int ho = h + 2 * padding - k + 1, wo = w + 2 * padding - k + 1;
        var g = randn([batch, cout, ho, wo], generator: gen);

        var grad32 = InputGradient(x, weight, bias, g, padding);
        var grad64 = InputGradient(x.to_type(ScalarType.Float64), weight.to_type(ScalarType.Float64),
            bias.to_type(ScalarType.Float64), g.to_type(ScalarType.Float64), padding);
        var bound = InputGradient(zeros_like(x, dtype: ScalarType.Float64), weight.to_type(ScalarType.Float64).abs(),
            zeros_like(bias, dtype: ScalarType.Float64), g.to_type(ScalarType.Float64).abs(), padding);

        Assert.True(grad32.isfinite().all().item<bool>(), "float32 input gradient has NaN or infinite entries");
        double u = Math.Pow(2, -24);
        int terms = cout * k * k;
        var excess = (grad32.to_type(ScalarType.Float64) - grad64).abs() - (bound * (2 * terms * u) + 1e-30);
        double worst = excess.max().item<double>();
        Assert.True(worst <= 0, $"float32 input gradient exceeds the rounding bound by {worst:G3} "
            + $"(max |err| = {(grad32.to_type(ScalarType.Float64) - grad64).abs().max().item<double>():G3})");
    }

    private static Tensor InputGradient(Tensor x, Tensor weight, Tensor bias, Tensor g, int padding)
    {
        var input = x.detach().requires_grad_(true);
        var y = nn.functional.conv2d(input, weight, bias, padding: [padding, padding]);
        var loss = (y * g).sum();
        return torch.autograd.grad([loss], [input])[0];
    }
}
