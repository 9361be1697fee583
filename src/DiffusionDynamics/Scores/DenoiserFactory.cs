using DiffusionDynamics.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// One place that turns a <see cref="DenoiserSpec"/> into an <see cref="IDenoiser"/> for a dataset, from a registry of
/// <see cref="IDenoiserSource"/>s (one per <see cref="DenoiserKind"/>). <see cref="Exact"/> holds the closed-form sources of
/// this part (empirical, Gaussian, mixture, two-cluster, analytic); the full factory with trained models is
/// <c>Neural.Denoisers.Factory</c> (Neural may use Scores, not the reverse); an imported-model source (ONNX) is added the same way.
/// Immutable: <see cref="With"/> returns a new factory.
/// </summary>
public sealed class DenoiserFactory
{
    private readonly Dictionary<DenoiserKind, IDenoiserSource> sources;

    /// <summary>A factory with the given sources (a later source of the same kind replaces an earlier one).</summary>
    public DenoiserFactory(IEnumerable<IDenoiserSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        this.sources = new Dictionary<DenoiserKind, IDenoiserSource>();
        foreach (var s in sources)
        {
            ArgumentNullException.ThrowIfNull(s, nameof(sources));
            this.sources[s.Kind] = s;
        }
    }

    /// <summary>The closed-form sources: <see cref="DenoiserKind.Empirical"/>, Gaussian, Mixture, TwoCluster, Analytic.</summary>
    public static DenoiserFactory Exact { get; } = new(
    [
        new Source(DenoiserKind.Empirical, (spec, data, _) => new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(spec.Precision, PruneTolerance: spec.PruneTolerance))),
        new Source(DenoiserKind.Gaussian, (spec, data, _) => GaussianDenoiser.FromData(data, spec.Rank)),
        new Source(DenoiserKind.Mixture, (spec, data, _) => MixtureDenoiser.Fit(data, spec.Mixture)),
        new Source(DenoiserKind.TwoCluster, (_, data, truth) => truth is TwoClusterData tc ? TwoCluster(tc)
            : throw new ArgumentException($"Kind = TwoCluster needs two-cluster data with its ground truth ({data.Name} has none).", nameof(truth))),
        new Source(DenoiserKind.Analytic, (_, data, truth) => truth switch
        {
            TwoClusterData tc => TwoCluster(tc),
            GaussianData g => PopulationGaussian(g, data.Dimension),
            _ => throw new ArgumentException($"Kind = Analytic needs two-cluster or Gaussian data with its ground truth (no closed-form score for {data.Name}).", nameof(truth)),
        }),
    ]);

    /// <summary>The kinds this factory can build.</summary>
    public IReadOnlyCollection<DenoiserKind> Kinds => sources.Keys;

    /// <summary>A new factory with <paramref name="source"/> added (replacing a source of the same kind).</summary>
    public DenoiserFactory With(IDenoiserSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new DenoiserFactory(sources.Values.Append(source));
    }

    /// <summary>
    /// Builds the denoiser of <paramref name="spec"/> (validated here) for <paramref name="data"/>; <paramref name="truth"/> is the
    /// generator's ground truth of synthetic data (needed by TwoCluster and Analytic). The caller owns (and disposes) the result.
    /// Throws <see cref="ArgumentException"/> naming the bad value, <see cref="NotSupportedException"/> for a kind with no source.
    /// </summary>
    public IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        spec.Validate();
        if (!sources.TryGetValue(spec.Kind, out var source))
            throw new NotSupportedException($"No denoiser source is registered for Kind = {spec.Kind} (registered: {string.Join(", ", sources.Keys.Order())}).");
        var denoiser = source.Create(spec, data, truth);
        if (denoiser.Dimension != data.Dimension)
        {
            (denoiser as IDisposable)?.Dispose();
            throw new ArgumentException($"The {spec.Kind} denoiser has d = {denoiser.Dimension}, the data have d = {data.Dimension}.", nameof(data));
        }
        return denoiser;
    }

    private static TwoClusterDenoiser TwoCluster(TwoClusterData tc)
    {
        using var m = torch.tensor(tc.M);
        return new TwoClusterDenoiser(m, tc.Spec.Sigma);
    }

    /// <summary>N(0, C) with the generator's population covariance C.</summary>
    private static GaussianDenoiser PopulationGaussian(GaussianData g, int d)
    {
        using var scope = NewDisposeScope();
        return new GaussianDenoiser(torch.zeros(d, dtype: ScalarType.Float64), torch.tensor(g.Covariance(), [(long)d, d]));
    }

    /// <summary>A source from a function.</summary>
    private sealed record Source(DenoiserKind Kind, Func<DenoiserSpec, Dataset, SyntheticData?, IDenoiser> Build) : IDenoiserSource
    {
        public IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth) => Build(spec, data, truth);
    }
}
