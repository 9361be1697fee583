using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// ε̂(x, t) by a fully connected network with additive time conditioning (W = Width, L = Depth):
/// <code>
///   τ   = SiLU(Linear_E→W(emb(t)))
///   h_0 = Linear_d→W(x) + Linear_W→W(τ)
///   h_l = Linear_W→W(SiLU(h_{l−1})) + Linear_W→W(τ),  l = 1..L
///   ε̂   = Linear_W→d(SiLU(h_L))
/// </code>
/// </summary>
internal sealed class MlpBody : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear timeIn;
    private readonly Linear input;
    private readonly Linear timeToInput;
    private readonly ModuleList<Linear> hidden = new();
    private readonly ModuleList<Linear> timeToHidden = new();
    private readonly Linear output;
    private readonly int embedding;

    public MlpBody(NetworkOptions o) : base("MlpBody")
    {
        int d = o.Dimension, w = o.Width;
        embedding = o.TimeEmbedding;
        timeIn = nn.Linear(o.TimeEmbedding, w);
        input = nn.Linear(d, w);
        timeToInput = nn.Linear(w, w);
        for (int l = 0; l < o.Depth; l++)
        {
            hidden.Add(nn.Linear(w, w));
            timeToHidden.Add(nn.Linear(w, w));
        }
        output = nn.Linear(w, d);
        RegisterComponents();
    }

    /// <summary>x: [B, d], t: [B] → [B, d].</summary>
    public override Tensor forward(Tensor x, Tensor t)
    {
        var tau = nn.functional.silu(timeIn.forward(SinusoidalEmbedding.Embed(t, embedding)));
        var h = input.forward(x) + timeToInput.forward(tau);
        for (int l = 0; l < hidden.Count; l++)
            h = hidden[l].forward(nn.functional.silu(h)) + timeToHidden[l].forward(tau);
        return output.forward(nn.functional.silu(h));
    }
}
