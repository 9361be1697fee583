using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The pruning index of <see cref="EmpiricalDenoiser"/> (docs/theory.md §10.7): an orthonormal basis U ([d, k]) of the top-k eigenvectors of the
/// uncentred second moment AᵀA/n, and every training point in augmented coordinates ã_μ = [Uᵀa_μ, ρ_μ] with ρ_μ = |(I − UUᵀ) a_μ|
/// ([n, k + 1]). For a query x with x̃ = [Uᵀx, |(I − UUᵀ) x|], Cauchy–Schwarz on the residual gives x̃·ã_μ ≥ x·a_μ, so
/// <code>  L̄_μ = α x̃·ã_μ + β |a_μ|²  ≥  L_μ = α x·a_μ + β |a_μ|²     (α = e^{−t}/Δ_t &gt; 0, β = −½ e^{−2t}/Δ_t)</code>
/// is an upper bound on every logit at (k + 1)/d of the cost of the exact product.
/// </summary>
internal sealed class EmpiricalDenoiserIndex : IDisposable
{
    /// <summary>Largest d whose d×d second moment is diagonalized for the basis; above it the denoiser does not prune.</summary>
    public const int MaxDimension = 1024;

    private EmpiricalDenoiserIndex(Tensor basis, Tensor augmented, double maxNorm, double maxNormSq, double minNormSq, double radius)
    {
        Basis = basis;
        Augmented = augmented;
        MaxNorm = maxNorm;
        MaxNormSq = maxNormSq;
        MinNormSq = minNormSq;
        Radius = radius;
    }

    /// <summary>U: [d, k] (the denoiser's precision).</summary>
    public Tensor Basis { get; }

    /// <summary>ã: [n, k + 1] (the denoiser's precision).</summary>
    public Tensor Augmented { get; }

    /// <summary>max_μ |a_μ|.</summary>
    public double MaxNorm { get; }

    /// <summary>max_μ |a_μ|².</summary>
    public double MaxNormSq { get; }

    /// <summary>min_μ |a_μ|².</summary>
    public double MinNormSq { get; }

    /// <summary>R = max_μ |a_μ − ā|: the logits of one query differ by at most α|x|·2R + |β|(max|a|² − min|a|²) across μ.</summary>
    public double Radius { get; }

    /// <summary>Builds the index of A ([n, d], float64 arithmetic) with k = min(components, d) directions, stored in <paramref name="dtype"/>.</summary>
    public static EmpiricalDenoiserIndex Build(Tensor data, int components, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var a = data.to_type(ScalarType.Float64);
        long n = a.shape[0], d = a.shape[1];
        int k = (int)Math.Min(components, d);
        var moment = a.t().mm(a).div_(n);
        var (_, vectors) = torch.linalg.eigh((moment + moment.t()) * 0.5);     // ascending eigenvalues
        var basis = vectors.narrow(1, d - k, k).flip(1).contiguous();          // top k, descending
        var projected = a.mm(basis);                                           // [n, k]
        var normsSq = a.square().sum(1);
        var residual = (normsSq - projected.square().sum(1)).clamp_min_(0).sqrt_();
        var augmented = torch.cat([projected, residual.unsqueeze(1)], 1);
        double radius = (a - a.mean([0])).square().sum(1).max().sqrt().item<double>();
        var index = new EmpiricalDenoiserIndex(basis.to_type(dtype).contiguous().DetachFromDisposeScope(),
            augmented.to_type(dtype).contiguous().DetachFromDisposeScope(),
            normsSq.max().sqrt().item<double>(), normsSq.max().item<double>(), normsSq.min().item<double>(), radius);
        return index;
    }

    /// <summary>x̃ = [Uᵀx, |(I − UUᵀ)x|] for the rows of x ([B, d] in the index's precision): [B, k + 1].</summary>
    public Tensor Augment(Tensor x, Tensor xNormsSq)
    {
        var projected = x.mm(Basis);
        var residual = (xNormsSq - projected.square().sum(1)).clamp_min_(0).sqrt_();
        return torch.cat([projected, residual.unsqueeze(1)], 1);
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Basis.Dispose();
        Augmented.Dispose();
    }
}
