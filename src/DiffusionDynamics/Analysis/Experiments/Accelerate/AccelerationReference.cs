using DiffusionDynamics.Data;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The held-out reference set of a Fréchet distance, prepared like the training data:
/// <list type="bullet">
/// <item><c>builtin</c> → <c>builtin:test</c> (1,000 test images, same class filter, downsampling and scaling);</item>
/// <item>a synthetic spec → fresh draws of the same generator: items n, …, n + R − 1 of the same seed (every generator
/// draws item μ from its own stream (seed, μ), and the population — e.g. a random rotation — is shared); <c>points:</c>
/// data are their own population, so the reference is the same points;</item>
/// <item>a data file → an explicit reference spec is required (no silent split of the training data).</item>
/// </list>
/// </summary>
public static class AccelerationReference
{
    /// <summary>Resolves the reference for <paramref name="request"/>; <paramref name="referenceSpec"/> overrides the rule above.</summary>
    /// <param name="size">R, the number of fresh draws for synthetic data. Range: ≥ 2.</param>
    /// <exception cref="ArgumentException">A data file without an explicit reference, or a bad spec.</exception>
    public static Dataset Resolve(DataRequest request, string? referenceSpec = null, int size = 1000)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "The reference size must be ≥ 2.");
        // The same preparation as the training data, without subsampling.
        var like = request with { Count = null, LabelsPath = null };
        if (referenceSpec is not null) return Named(like with { Spec = referenceSpec }, referenceSpec);
        string spec = request.Spec.Trim();
        if (spec.Equals("builtin", StringComparison.OrdinalIgnoreCase) || spec.Equals("builtin:train", StringComparison.OrdinalIgnoreCase))
            return Named(like with { Spec = "builtin:test" }, "builtin:test");
        if (spec.Equals("builtin:test", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException("The training data are builtin:test; give the reference set explicitly (e.g. builtin:train).");
        var synthetic = DataSource.ParseSynthetic(spec, out long seed);
        if (synthetic is null)
            throw OptionMessage.Argument($"Data \"{request.Spec}\" is a file: give a held-out reference set of the same kind ({{referenceSpec}} FILE or spec).", nameof(referenceSpec));
        (SyntheticSpec larger, int n) = synthetic switch
        {
            TwoClusterSpec s => ((SyntheticSpec)(s with { N = s.N + size }), s.N),
            GaussianSpec s => (s with { N = s.N + size }, s.N),
            LinearManifoldSpec s => (s with { N = s.N + size }, s.N),
            CircleSpec s => (s with { N = s.N + size }, s.N),
            _ => (synthetic, 0),
        };
        var all = larger.Generate(seed).Data;
        Dataset fresh = n == 0 ? all : Tail(all, n);
        string name = n == 0 ? $"{synthetic.Source(seed)} (the points themselves)" : $"{size} fresh draws of {synthetic.Source(seed)} (items {n}..{n + size - 1})";
        var prepared = like.Classes is { Length: > 0 } && fresh.Labels is not null ? fresh.FilterClasses(like.Classes) : fresh;
        return prepared.WithName(name);
    }

    private static Dataset Named(DataRequest request, string name) => request.Load().WithName(name);

    private static Dataset Tail(Dataset all, int from)
    {
        int d = all.Dimension, count = all.Count - from;
        var values = all.Values.Slice(from * d, count * d).ToArray();
        var labels = all.Labels?.Skip(from).ToArray();
        return new Dataset(values, count, d, labels, all.ItemShape, all.Preprocessing, all.Name);
    }
}
