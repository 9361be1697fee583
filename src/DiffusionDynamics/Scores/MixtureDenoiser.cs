using DiffusionDynamics.Data;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// The exact denoiser of a Gaussian mixture P = Σ_j π_j N(m_j, C_j) — the coarse-grained score of Wang &amp; Vastola
/// (arXiv 2412.09726, 2311.10892; docs/theory.md §2). With θ = e^{−t} and Δ_t = 1 − e^{−2t}:
/// <code>
///   P_t(x)    = Σ_j π_j N(x; θ m_j, θ² C_j + Δ_t I)
///   r_j(x, t) = softmax_j( ln π_j + ln N(x; θ m_j, θ² C_j + Δ_t I) )      (max-subtracted, in log space)
///   D(x, t)   = Σ_j r_j(x, t) D_j(x, t),   D_j the Gaussian denoiser of component j (<see cref="GaussianDenoiser"/>)
/// </code>
/// Each component reuses <see cref="GaussianDenoiser"/>'s eigenbasis: one projection Uᵀ(x − θ m_j) serves both ln N_j
/// and D_j, so a call costs O(B·k·d·r) (r the kept eigenpairs per component) and memory O(B·d) beyond the components
/// (a streaming softmax over j accumulates Σ_j r_j D_j).
/// </summary>
public sealed class MixtureDenoiser : IDenoiser, ILogDensity, IDisposable
{
    private readonly GaussianDenoiser[] components;
    private readonly double[] logWeights;

    /// <summary>
    /// The mixture of the given components (taken over: disposing the mixture disposes them) with weights π_j.
    /// Range: at least one component, all of the same d; weights finite and &gt; 0 (normalized to sum 1; one per component).
    /// </summary>
    public MixtureDenoiser(IReadOnlyList<double> weights, IReadOnlyList<GaussianDenoiser> components)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(components);
        if (components.Count < 1) throw new ArgumentException("A mixture needs at least one component.", nameof(components));
        if (weights.Count != components.Count)
            throw new ArgumentException($"{weights.Count} weights for {components.Count} components.", nameof(weights));
        int d = components[0].Dimension;
        for (int j = 0; j < components.Count; j++)
        {
            if (components[j] is null) throw new ArgumentNullException(nameof(components), $"Component {j} is null.");
            if (components[j].Dimension != d)
                throw new ArgumentException($"Component {j} has d = {components[j].Dimension}, component 0 has d = {d}.", nameof(components));
            if (!double.IsFinite(weights[j]) || weights[j] <= 0)
                throw new ArgumentOutOfRangeException(nameof(weights), weights[j], $"Weight π_{j} must be finite and > 0.");
        }
        double total = weights.Sum();
        this.components = components.ToArray();
        Weights = weights.Select(w => w / total).ToArray();
        logWeights = Weights.Select(w => Math.Log(w)).ToArray();
        Dimension = d;
    }

    /// <summary>Fits a mixture to a dataset (see <see cref="Fit(Tensor, MixtureOptions?)"/>).</summary>
    public static MixtureDenoiser Fit(Dataset dataset, MixtureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        using var a = dataset.ToTensor(ScalarType.Float64);
        return Fit(a, options);
    }

    /// <summary>
    /// Fits Σ_j π_j N(m_j, C_j) to points A: [n, d] (finite): k-means (<see cref="KMeans.Fit"/>, seeded) partitions them,
    /// then π_j = n_j/n, m_j = the cluster mean, C_j the cluster's covariance (1/n_j) Σ (a − m_j)(a − m_j)ᵀ in the model
    /// chosen by <see cref="MixtureOptions.Covariance"/>. Clusters left empty (fewer distinct points than k) are dropped.
    /// Low rank uses the n_j×n_j Gram matrix when n_j &lt; d, so k = 50 on n = 4000, d = 784 fits in seconds.
    /// Range: 1 ≤ k ≤ n.
    /// </summary>
    public static MixtureDenoiser Fit(Tensor points, MixtureOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        options ??= new MixtureOptions();
        options.Validate();
        Backend.TorchRuntime.EnsureInitialized();
        if (points.dim() != 2 || points.shape[0] < 1 || points.shape[1] < 1)
            throw new ArgumentException($"Points must have shape [n ≥ 1, d ≥ 1], got [{string.Join(", ", points.shape)}].", nameof(points));
        if (options.Components > points.shape[0])
            throw new ArgumentOutOfRangeException(nameof(options), options.Components, $"k = {options.Components} exceeds the number of points n = {points.shape[0]}.");
        using var scope = NewDisposeScope();
        var a = points.to_type(ScalarType.Float64).contiguous();
        var clusters = KMeans.Fit(a, options.Components, options.MaxIterations, options.Seed);
        int n = (int)a.shape[0];
        var weights = new List<double>();
        var parts = new List<GaussianDenoiser>();
        try
        {
            for (int j = 0; j < options.Components; j++)
            {
                if (clusters.Sizes[j] == 0) continue;
                using var inner = NewDisposeScope();
                var members = Enumerable.Range(0, n).Where(i => clusters.Assignments[i] == j).Select(i => (long)i).ToArray();
                parts.Add(FitComponent(a.index_select(0, torch.tensor(members)), options));
                weights.Add(members.Length / (double)n);
            }
        }
        catch
        {
            foreach (var p in parts) p.Dispose();
            throw;
        }
        return new MixtureDenoiser(weights, parts) { Clustering = clusters with { Centres = clusters.Centres.DetachFromDisposeScope() } };
    }

    /// <summary>The Gaussian N(m, C) of one cluster's points [n_j, d] (float64) in the requested covariance model.</summary>
    private static GaussianDenoiser FitComponent(Tensor members, MixtureOptions options)
    {
        long nj = members.shape[0], d = members.shape[1];
        var m = members.mean([0]);
        var centred = members - m;
        switch (options.Covariance)
        {
            case MixtureCovariance.Full:
                return new GaussianDenoiser(m, centred.t().mm(centred) / nj);
            case MixtureCovariance.Isotropic:
                {
                    double variance = centred.square().sum().item<double>() / (nj * d);
                    return GaussianDenoiser.FromEigenpairs(m, torch.zeros([d, 0], dtype: ScalarType.Float64), torch.zeros([0], dtype: ScalarType.Float64), variance);
                }
            default:
                {
                    int r = (int)Math.Min(options.Rank, d);
                    double trace = centred.square().sum().item<double>() / nj;
                    var (values, vectors) = TopEigenpairs(centred, r);
                    int kept = (int)values.shape[0];
                    double residual = kept < d ? Math.Max(0, trace - values.sum().item<double>()) / (d - kept) : 0.0;
                    return GaussianDenoiser.FromEigenpairs(m, vectors, values, residual);
                }
        }
    }

    /// <summary>
    /// The top ≤ r eigenpairs (descending, eigenvalue &gt; 1e-12·λ_max) of C = XᵀX/n_j for centred X: [n_j, d]. When n_j &lt; d,
    /// from the Gram matrix X Xᵀ/n_j = V M Vᵀ: C has the same nonzero eigenvalues with eigenvectors u = Xᵀv/√(n_j μ).
    /// </summary>
    private static (Tensor Values, Tensor Vectors) TopEigenpairs(Tensor centred, int r)
    {
        long nj = centred.shape[0], d = centred.shape[1];
        bool gram = nj < d;
        var matrix = gram ? centred.mm(centred.t()) / nj : centred.t().mm(centred) / nj;
        var (vals, vecs) = torch.linalg.eigh(matrix); // ascending
        long size = vals.shape[0];
        double top = Math.Max(vals[size - 1].item<double>(), 0);
        var descending = vals.flip(0);
        int positive = (int)descending.gt(1e-12 * top).sum().item<long>();
        if (top <= 0) positive = 0;
        int kept = Math.Min(r, positive);
        var order = torch.arange(size - 1, size - 1 - kept, -1, dtype: ScalarType.Int64);
        var values = vals.index_select(0, order);
        var vectors = vecs.index_select(1, order);
        if (gram) vectors = centred.t().mm(vectors) / (values * nj).sqrt().unsqueeze(0);
        return (values.contiguous(), vectors.contiguous());
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Mixture weights π_j (sum 1), one per component.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The Gaussian components N(m_j, C_j) (owned by the mixture; do not dispose).</summary>
    public IReadOnlyList<GaussianDenoiser> Components => components;

    /// <summary>The k-means partition the mixture was fitted from (null when built from given components).</summary>
    public KMeansResult? Clustering { get; private init; }

    /// <inheritdoc />
    public Tensor Denoise(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        var xd = x.to_type(ScalarType.Float64);
        // Streaming softmax over components: running max mx, normaliser s = Σ e^{l_j − mx}, acc = Σ e^{l_j − mx} D_j.
        Tensor? mx = null, s = null, acc = null;
        for (int j = 0; j < components.Length; j++)
        {
            using var step = NewDisposeScope();
            var (y, coords) = components[j].Project(xd, t);
            var logit = components[j].LogDensityProjected(y, coords, t).add_(logWeights[j]);  // [B]
            var dj = components[j].DenoiseProjected(y, coords, t);                             // [B, d]
            if (mx is null)
            {
                mx = logit.MoveToOuterDisposeScope();
                s = torch.ones_like(mx).MoveToOuterDisposeScope();
                acc = dj.MoveToOuterDisposeScope();
                continue;
            }
            var mNew = torch.maximum(mx, logit);
            var rescale = (mx - mNew).exp_();
            var w = (logit - mNew).exp_();
            s!.mul_(rescale).add_(w);
            acc!.mul_(rescale.unsqueeze(1)).add_(dj.mul_(w.unsqueeze(1)));
            mx.copy_(mNew);
        }
        return acc!.div_(s!.unsqueeze(1)).to_type(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>ln P_t(x) = logsumexp_j( ln π_j + ln N(x; e^{−t} m_j, e^{−2t} C_j + Δ_t I) ), as [B] float64.</summary>
    public Tensor LogDensity(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return Logits(x.to_type(ScalarType.Float64), t).logsumexp(1, keepdim: false).MoveToOuterDisposeScope();
    }

    /// <summary>Posterior responsibilities r_j(x, t) of the components, [B, k] float64 (rows sum to 1).</summary>
    public Tensor Responsibilities(Tensor x, double t)
    {
        DenoiserChecks.Require(x, Dimension, t);
        using var scope = NewDisposeScope();
        return Logits(x.to_type(ScalarType.Float64), t).softmax(1).MoveToOuterDisposeScope();
    }

    /// <summary>ln π_j + ln N_j(x): [B, k].</summary>
    private Tensor Logits(Tensor xd, double t)
    {
        var columns = new Tensor[components.Length];
        for (int j = 0; j < components.Length; j++)
        {
            var (y, coords) = components[j].Project(xd, t);
            columns[j] = components[j].LogDensityProjected(y, coords, t).add_(logWeights[j]);
        }
        return torch.stack(columns, 1);
    }

    /// <summary>Releases the components.</summary>
    public void Dispose()
    {
        foreach (var c in components) c.Dispose();
        Clustering?.Centres.Dispose();
    }
}
