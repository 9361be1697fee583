using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// The denoiser of a trained ε-predicting network in the OU clock (docs/theory.md §2):
/// <code>  D(x, t) = (x − √Δ_t ε̂(x, t)) e^{t},  Δ_t = 1 − e^{−2t}  </code>
/// The network runs in eval mode under no_grad in float32; the combination is done in x's dtype and the result
/// has x's dtype. Range: t &gt; 0, x: [B, d] finite.
/// </summary>
public sealed class NeuralDenoiser : IDenoiser, IJacobianTransposeProduct, IDisposable
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
        // The network always sees blocks of EvaluationRows rows (the last one padded with zeros): its kernels then
        // take the same path for every row whatever the caller's batch, so a sample does not depend on --batch.
        long b = x.shape[0];
        var times = torch.full([EvaluationRows], t, dtype: ScalarType.Float32);
        var blocks = new List<Tensor>();
        for (long start = 0; start < b; start += EvaluationRows)
        {
            long len = Math.Min(EvaluationRows, b - start);
            var block = xf.narrow(0, start, len);
            if (len < EvaluationRows) block = torch.cat([block, torch.zeros([EvaluationRows - len, Dimension], dtype: ScalarType.Float32)], 0);
            var epsBlock = Network.forward(block, times);
            blocks.Add(len < EvaluationRows ? epsBlock.narrow(0, 0, len) : epsBlock);
        }
        var eps = (blocks.Count == 1 ? blocks[0] : torch.cat(blocks, 0)).to_type(x.dtype);
        var d = (x - eps * Math.Sqrt(OuTime.Delta(t))) * Math.Exp(t);
        return d.MoveToOuterDisposeScope();
    }

    /// <summary>Rows per network evaluation in <see cref="Denoise"/> (fixed, so results do not depend on the batch size).</summary>
    public const int EvaluationRows = 16;

    /// <summary>
    /// J_sᵀ V by autograd (vector–Jacobian products): the Tweedie score of an ε-network is s = (e^{−t}D − x)/Δ_t = −ε̂/√Δ_t,
    /// so J_sᵀ v = −(∂ε̂)ᵀ v/√Δ_t. One backward pass per block of up to 256 columns through a batch of copies of x
    /// (row j of the batch carries v_j), no d×d matrix unless V has d columns. The network runs in float32; the result is
    /// float64 [d, k]. Range: t &gt; 0, x: [d] or [1, d] finite, V: [d] or [d, k] finite.
    /// (Achilli et al., arXiv 2410.08727: spectra of the learned score's Jacobian.)
    /// </summary>
    public Tensor ScoreJacobianTransposeApply(Tensor x, double t, Tensor v)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(v);
        OuTime.RequirePositive(t);
        int d = Dimension;
        bool okX = (x.dim() == 1 && x.shape[0] == d) || (x.dim() == 2 && x.shape[0] == 1 && x.shape[1] == d);
        if (!okX) throw new ArgumentException($"x must be one point of shape [{d}] or [1, {d}], got [{string.Join(", ", x.shape)}].", nameof(x));
        bool okV = (v.dim() == 1 && v.shape[0] == d) || (v.dim() == 2 && v.shape[0] == d && v.shape[1] >= 1);
        if (!okV) throw new ArgumentException($"v must have shape [{d}] or [{d}, k ≥ 1], got [{string.Join(", ", v.shape)}].", nameof(v));
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
        if (!v.isfinite().all().item<bool>()) throw new ArgumentException("v contains NaN or infinite values.", nameof(v));
        using var scope = torch.NewDisposeScope();
        var vs = (v.dim() == 1 ? v.unsqueeze(1) : v).to_type(ScalarType.Float32);
        var point = x.reshape(1, d).to_type(ScalarType.Float32);
        long k = vs.shape[1];
        double scale = -1.0 / Math.Sqrt(OuTime.Delta(t));
        var columns = new List<Tensor>();
        Network.eval();
        for (long start = 0; start < k; start += 256)
        {
            using var block = torch.NewDisposeScope();
            long len = Math.Min(256, k - start);
            using var grad = torch.enable_grad();
            var xs = point.expand(len, d).clone().requires_grad_(true);
            var eps = Network.forward(xs, torch.full([len], t, dtype: ScalarType.Float32));
            var weights = vs.narrow(1, start, len).t();                            // row j = v_j
            var g = torch.autograd.grad([(eps * weights).sum()], [xs])[0];         // row j = (∂ε̂)ᵀ v_j
            columns.Add((g.t().to_type(ScalarType.Float64) * scale).MoveToOuterDisposeScope());
        }
        return torch.cat(columns, 1).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes the network when owned.</summary>
    public void Dispose()
    {
        if (ownsNetwork) Network.Dispose();
    }
}
