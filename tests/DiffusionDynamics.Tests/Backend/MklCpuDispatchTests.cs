using DiffusionDynamics.Backend;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Backend;

/// <summary>The oneMKL vendor-check override (bench/FINDINGS.md) is active where it should be and keeps GEMM right.</summary>
public class MklCpuDispatchTests
{
    [Fact]
    public void On_AMD_the_global_scope_answers_one_for_the_Intel_check()
    {
        TorchRuntime.EnsureInitialized();
        if (MklCpuDispatch.CpuVendor != "AuthenticAMD" || Environment.GetEnvironmentVariable(MklCpuDispatch.OptOutVariable) == "0")
            return;
        Assert.True(MklCpuDispatch.Applied, MklCpuDispatch.Status);
        Assert.Equal(1, MklCpuDispatch.ProbeGlobalIntelCpuTrue());
        Assert.StartsWith("applied", TorchRuntime.NativeSettings[MklCpuDispatch.OverriddenSymbol]);
    }

    [Fact]
    public void The_generated_override_is_a_little_endian_x86_64_shared_object()
    {
        byte[] image = MklCpuDispatch.BuildOverrideLibrary();
        Assert.Equal(new byte[] { 0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1 }, image[..7]);
        Assert.Equal(3, BitConverter.ToUInt16(image, 0x10));  // ET_DYN
        Assert.Equal(62, BitConverter.ToUInt16(image, 0x12)); // EM_X86_64
        Assert.True(image.AsSpan().IndexOf("mkl_serv_intel_cpu_true\0"u8) > 0);
        Assert.True(image.AsSpan().IndexOf(new byte[] { 0xB8, 1, 0, 0, 0, 0xC3 }) > 0); // mov eax, 1; ret
    }

    /// <summary>
    /// float32 torch.mm (oneMKL sgemm, whichever kernel it picked) against float64 at the empirical-score
    /// shapes and a square one. Entrywise bound 2 K u Σ|a||b| with K the inner dimension, u = 2⁻²⁴.
    /// </summary>
    [Theory]
    [InlineData(256, 784, 1000)]   // X·Aᵀ block
    [InlineData(256, 1000, 784)]   // W·A block
    [InlineData(512, 512, 512)]
    [InlineData(3, 17, 5)]
    public void Float32_matmul_is_within_the_rounding_bound_of_float64(int m, int k, int n)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator((ulong)(42 + m + k + n));
        var a = randn([m, k], generator: gen);
        var b = randn([k, n], generator: gen);
        var c32 = a.mm(b).to_type(ScalarType.Float64);
        var a64 = a.to_type(ScalarType.Float64);
        var b64 = b.to_type(ScalarType.Float64);
        var c64 = a64.mm(b64);
        var bound = a64.abs().mm(b64.abs()).mul_(2 * k * Math.Pow(2, -24));
        double worst = ((c32 - c64).abs() - bound).max().item<double>();
        Assert.True(worst <= 0, $"float32 GEMM exceeds the rounding bound by {worst:G3}");
    }
}
