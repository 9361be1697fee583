using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// The denoiser of a trained ε-predicting network in the OU clock (science.md §2):
/// <code>  D(x, t) = (x − √Δ_t ε̂(x, t)) e^{t},  Δ_t = 1 − e^{−2t}  </code>
/// The network runs in eval mode under no_grad in float32; the combination is done in x's dtype and the result
/// has x's dtype. Range: t &gt; 0, x: [B, d] finite.
/// </summary>
public sealed class NeuralDenoiser : IDenoiser, IDisposable
{
    private readonly bool ownsNetwork;

    /// <summary>Wraps <paramref name="network"/>; disposes it with this object when <paramref name="ownsNetwork"/>.</summary>
    public NeuralDenoiser(ScoreNetwork network, bool ownsNetwork = true)
    {
        ArgumentNullException.ThrowIfNull(network);
        Network = network;
        this.ownsNetwork = ownsNetwork;
        network.eval();
    }

    /// <summary>The ε̂ network.</summary>
    public ScoreNetwork Network { get; }

    /// <inheritdoc />
    public int Dimension => Network.Dimension;

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = torch.NewDisposeScope();
        using var _ = no_grad();
        Network.eval();
        var xf = x.to_type(ScalarType.Float32);
        var times = torch.full([x.shape[0]], t, dtype: ScalarType.Float32);
        var eps = Network.forward(xf, times).to_type(x.dtype);
        var d = (x - eps * Math.Sqrt(OuTime.Delta(t))) * Math.Exp(t);
        return d.MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the network when owned.</summary>
    public void Dispose()
    {
        if (ownsNetwork) Network.Dispose();
    }
}
