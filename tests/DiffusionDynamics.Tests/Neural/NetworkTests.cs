using DiffusionDynamics.Neural;
using TorchSharp;
using TorchSharp.Modules;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Neural;

public class NetworkTests
{
    [Fact]
    public void UNet_On28x28_MapsFlatBatchToFlatBatch_WithFiniteInputGradient()
    {
        using var net = ScoreNetwork.Create(NetworkOptions.DefaultFor([1, 28, 28]), seed: 1);
        Assert.Equal(NetworkKind.UNet, net.Options.Kind);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(3, 784).requires_grad_(true);
        var t = torch.tensor(new float[] { 0.01f, 0.5f, 5f });
        var eps = net.forward(x, t);
        Assert.Equal(new long[] { 3, 784 }, eps.shape);
        var g = torch.autograd.grad([eps.square().sum()], [x])[0];
        Assert.Equal(new long[] { 3, 784 }, g.shape);
        Assert.True(g.isfinite().all().item<bool>());
        Assert.True(g.abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(1, 7, 7, false)]   // odd size: 7 → 4 → upsample back to 7
    [InlineData(3, 14, 14, true)]  // with attention at 7×7
    public void UNet_HandlesOddSizesAndAttention(int c, int h, int w, bool attention)
    {
        using var net = ScoreNetwork.Create(new NetworkOptions(NetworkKind.UNet, [c, h, w], Channels: 8, Attention: attention), seed: 2);
        using var scope = torch.NewDisposeScope();
        var eps = net.forward(torch.randn(2, c * h * w), torch.full([2], 0.3f));
        Assert.Equal(new long[] { 2, c * h * w }, eps.shape);
        Assert.True(eps.isfinite().all().item<bool>());
    }

    [Fact]
    public void GroupNormLayers_StartAtUnitWeightAndZeroBias()
    {
        using var net = ScoreNetwork.Create(new NetworkOptions(NetworkKind.UNet, [1, 28, 28], Attention: true), seed: 3);
        int count = 0;
        foreach (var (_, m) in net.named_modules())
        {
            if (m is not GroupNorm gn) continue;
            count++;
            Assert.True(gn.weight!.eq(1).all().item<bool>());
            Assert.True(gn.bias!.eq(0).all().item<bool>());
        }
        Assert.True(count >= 10, $"{count} GroupNorm layers");
    }

    [Fact]
    public void Create_IsDeterministicInTheSeed()
    {
        using var a = ScoreNetwork.Create(SmallMlp(), 7);
        using var b = ScoreNetwork.Create(SmallMlp(), 7);
        using var c = ScoreNetwork.Create(SmallMlp(), 8);
        var pa = a.parameters().ToArray();
        var pb = b.parameters().ToArray();
        var pc = c.parameters().ToArray();
        for (int i = 0; i < pa.Length; i++) Assert.True(pa[i].eq(pb[i]).all().item<bool>());
        Assert.False(pa[0].eq(pc[0]).all().item<bool>());
    }

    [Fact]
    public void DefaultUNet_IsSmall()
    {
        using var net = ScoreNetwork.Create(NetworkOptions.DefaultFor([1, 28, 28]), 0);
        Assert.InRange(net.ParameterCount, 300_000, 600_000);
    }

    [Fact]
    public void NeuralDenoiser_ChecksShapeNaNAndTime_AndKeepsDtype()
    {
        using var den = new NeuralDenoiser(ScoreNetwork.Create(SmallMlp(d: 3), 0));
        Assert.Equal(3, den.Dimension);
        using var x64 = torch.randn(4, 3, dtype: ScalarType.Float64);
        using var d = den.Denoise(x64, 0.5);
        Assert.Equal(ScalarType.Float64, d.dtype);
        Assert.Equal(new long[] { 4, 3 }, d.shape);
        using var wrong = torch.randn(4, 2);
        Assert.Throws<ArgumentException>(() => den.Denoise(wrong, 0.5));
        using var flat = torch.randn(3);
        Assert.Throws<ArgumentException>(() => den.Denoise(flat, 0.5));
        using var nan = torch.full([2, 3], float.NaN);
        Assert.Throws<ArgumentException>(() => den.Denoise(nan, 0.5));
        using var ok = torch.randn(2, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(ok, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(ok, -1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => den.Denoise(ok, double.NaN));
    }

    [Fact]
    public void NeuralDenoiser_IsXMinusScaledEpsilonTimesExpT()
    {
        using var net = ScoreNetwork.Create(SmallMlp(d: 3), 4);
        using var den = new NeuralDenoiser(net, ownsNetwork: false);
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(5, 3);
        double t = 0.8;
        var eps = net.forward(x, torch.full([5], (float)t));
        var expected = (x - eps * Math.Sqrt(1 - Math.Exp(-2 * t))) * Math.Exp(t);
        Assert.True((den.Denoise(x, t) - expected).abs().max().item<float>() < 1e-5);
    }
}
