using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDynamics.Backend;

/// <summary>
/// Factories for TorchSharp 0.107.0 modules that need a correction before use. Networks in this library
/// build these modules through here, never through <c>torch.nn</c> directly.
/// </summary>
public static class TorchFixes
{
    /// <summary>
    /// <c>nn.GroupNorm</c> with the affine parameters PyTorch documents: weight γ = 1, bias β = 0.
    /// TorchSharp 0.107.0 leaves them uninitialized (garbage, sometimes NaN); they are set under no_grad.
    /// y = (x − E[x]) / √(Var[x] + ε) · γ + β, statistics per sample over each group of channels/groups
    /// channels and all spatial positions (biased variance).
    /// Range: groups ≥ 1, channels ≥ 1, channels divisible by groups, eps &gt; 0.
    /// </summary>
    public static GroupNorm GroupNorm(int groups, int channels, double eps = 1e-5)
    {
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be ≥ 1.");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be ≥ 1.");
        if (channels % groups != 0)
            throw new ArgumentException($"channels = {channels} is not divisible by groups = {groups}.", nameof(channels));
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be > 0.");
        TorchRuntime.EnsureInitialized();
        var norm = nn.GroupNorm(groups, channels, eps, affine: true);
        using (no_grad())
        {
            norm.weight!.fill_(1.0);
            norm.bias!.fill_(0.0);
        }
        return norm;
    }
}
