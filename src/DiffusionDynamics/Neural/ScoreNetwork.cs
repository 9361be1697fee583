using DiffusionDynamics.Random;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// A network ε̂(x, t) predicting the noise z of x = e^{−t} a + √Δ_t z in the OU clock (docs/theory.md §2); the
/// denoiser is D = (x − √Δ_t ε̂) e^{t} (<see cref="NeuralDenoiser"/>). Input x: [B, d] flat (reshaped to the
/// item shape inside a U-Net), t: [B] OU times &gt; 0; output ε̂: [B, d]. Float32 parameters.
/// </summary>
public sealed class ScoreNetwork : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor, Tensor> body;

    private ScoreNetwork(NetworkOptions options) : base("ScoreNetwork")
    {
        Options = options;
        body = options.Kind == NetworkKind.UNet ? new UNetBody(options) : new MlpBody(options);
        RegisterComponents();
    }

    /// <summary>
    /// A freshly initialized network. Every Linear and Conv2d weight and bias is drawn uniform on
    /// ±1/√fan_in (PyTorch's default bounds) from the stream Xoshiro.ForStream(seed, −1 − i) of parameter i, never
    /// from torch's global generator, so the weights depend on the seed only. GroupNorm layers start at γ = 1, β = 0.
    /// </summary>
    public static ScoreNetwork Create(NetworkOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Backend.TorchRuntime.EnsureInitialized();
        var network = new ScoreNetwork(options with { ItemShape = (int[])options.ItemShape.Clone() });
        network.Initialize(seed);
        return network;
    }

    /// <summary>The architecture.</summary>
    public NetworkOptions Options { get; }

    /// <summary>Dimension d of an item.</summary>
    public int Dimension => Options.Dimension;

    /// <summary>Number of trainable scalars.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>x: [B, d], t: [B] (OU times &gt; 0) → ε̂: [B, d].</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        if (x.dim() != 2 || x.shape[1] != Dimension)
            throw new ArgumentException($"x must have shape [B, {Dimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        if (t.dim() != 1 || t.shape[0] != x.shape[0])
            throw new ArgumentException($"t must have shape [{x.shape[0]}], got [{string.Join(", ", t.shape)}].", nameof(t));
        return body.forward(x, t);
    }

    private void Initialize(long seed)
    {
        using var _ = no_grad();
        long stream = 0;
        foreach (var (_, module) in named_modules())
        {
            if (module is not (Linear or Conv2d)) continue;
            var weight = module is Linear lin ? lin.weight! : ((Conv2d)module).weight!;
            var bias = module is Linear lin2 ? lin2.bias : ((Conv2d)module).bias;
            long fanIn = weight.numel() / weight.shape[0];
            double bound = 1.0 / Math.Sqrt(fanIn);
            Fill(weight, bound, Xoshiro.ForStream(seed, -1 - stream++));
            if (bias is not null) Fill(bias, bound, Xoshiro.ForStream(seed, -1 - stream++));
        }
    }

    private static void Fill(Tensor p, double bound, Xoshiro rng)
    {
        var values = new float[p.numel()];
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2 * rng.NextDouble() - 1) * bound);
        using var source = torch.tensor(values, p.shape);
        p.copy_(source);
    }
}
