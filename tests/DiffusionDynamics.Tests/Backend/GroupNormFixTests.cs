using DiffusionDynamics.Backend;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Backend;

/// <summary>Fix 2 (README, "TorchSharp on this machine kind"): nn.GroupNorm's affine parameters start at γ = 1, β = 0.</summary>
public class GroupNormFixTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(4, 16)]
    [InlineData(8, 32)]
    public void Weight_is_exactly_one_and_bias_exactly_zero(int groups, int channels)
    {
        using var norm = TorchFixes.GroupNorm(groups, channels);
        Assert.All(norm.weight!.data<float>().ToArray(), w => Assert.Equal(1f, w));
        Assert.All(norm.bias!.data<float>().ToArray(), b => Assert.Equal(0f, b));
        Assert.True(norm.weight!.requires_grad);
    }

    [Fact]
    public void Output_matches_the_group_normalization_formula()
    {
        const int batch = 2, channels = 6, groups = 3, h = 4, w = 5;
        const double eps = 1e-5;
        var values = new float[batch * channels * h * w];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(Math.Sin(0.37 * i) * (1 + i % 7) + 0.1 * (i % 11));
        using var norm = TorchFixes.GroupNorm(groups, channels, eps);
        using var x = tensor(values).reshape(batch, channels, h, w);
        using var y = norm.forward(x);
        float[] actual = y.data<float>().ToArray();

        // y = (x − μ_g) / √(σ²_g + ε) per sample and group of channels/groups channels × h × w values.
        int groupSize = channels / groups * h * w;
        for (int s = 0; s < batch; s++)
            for (int g = 0; g < groups; g++)
            {
                int start = (s * channels + g * (channels / groups)) * h * w;
                var group = values.Skip(start).Take(groupSize).Select(v => (double)v).ToArray();
                double mean = group.Average();
                double variance = group.Select(v => (v - mean) * (v - mean)).Average();
                for (int i = 0; i < groupSize; i++)
                {
                    double expected = (group[i] - mean) / Math.Sqrt(variance + eps);
                    Assert.True(Math.Abs(actual[start + i] - expected) <= 1e-5 * (1 + Math.Abs(expected)),
                        $"sample {s}, group {g}, element {i}: {actual[start + i]} vs {expected}");
                }
            }
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(3, 4)]
    [InlineData(2, 0)]
    public void Invalid_group_counts_are_rejected(int groups, int channels)
    {
        Assert.ThrowsAny<ArgumentException>(() => TorchFixes.GroupNorm(groups, channels));
    }
}
