using System.Globalization;
using DiffusionDynamics.Random;

namespace DiffusionDynamics.Data;

/// <summary>
/// Linear-manifold data of [LDM] (Achilli et al., arXiv 2410.08727): a centred Gaussian whose directions have
/// standard deviations s_i grouped in subspaces (e.g. d = 30: 2 of std 1, 5 of std 0.3, the rest 0.01),
/// a = U (s ∘ z), optionally projected on the unit sphere (a ← a/|a|) and optionally rotated by a Haar-random U.
/// Direction i is lost to memorization when the noise variance falls below s_i²/(2 ln n).
/// Range: D ≥ 1, N ≥ 1, Stds of length D with every s_i ≥ 0 and finite, some s_i > 0 when Sphere.
/// </summary>
/// <param name="D">Dimension d.</param>
/// <param name="N">Number of items n.</param>
/// <param name="Stds">Standard deviation s_i of each direction, length d (high-variance directions first by convention).</param>
/// <param name="Sphere">Project every item onto the unit sphere.</param>
/// <param name="Rotate">Rotate the directions randomly (seeded) instead of using the coordinate axes.</param>
public sealed record LinearManifoldSpec(int D, int N, double[] Stds, bool Sphere = false, bool Rotate = false) : SyntheticSpec
{
    /// <summary>Standard deviations from (count, std) subspaces, e.g. [(2, 1), (5, 0.3), (23, 0.01)].</summary>
    public static double[] FromSubspaces(params (int Count, double Std)[] subspaces) =>
        subspaces.SelectMany(s => s.Count >= 0 ? Enumerable.Repeat(s.Std, s.Count) : throw new ArgumentException($"Subspace count {s.Count} < 0.")).ToArray();

    /// <summary>The example of docs/theory.md §6: d = 30 with 2 directions of std 1, 5 of std 0.3 and 23 of std 0.01.</summary>
    public static LinearManifoldSpec Standard(int n = 1000, bool sphere = false) =>
        new(30, n, FromSubspaces((2, 1.0), (5, 0.3), (23, 0.01)), sphere);

    /// <inheritdoc/>
    public override void Validate()
    {
        if (D < 1) throw new ArgumentException($"d = {D} is out of range (d ≥ 1).", nameof(D));
        if (N < 1) throw new ArgumentException($"n = {N} is out of range (n ≥ 1).", nameof(N));
        CheckSize("manifold n·d data values", N, D);
        if (Rotate) CheckSize("manifold d×d rotation", D, D, sizeof(double));
        ArgumentNullException.ThrowIfNull(Stds);
        if (Stds.Length != D) throw new ArgumentException($"{Stds.Length} standard deviations given but d = {D}.", nameof(Stds));
        for (int k = 0; k < D; k++) Check($"stds[{k}]", Stds[k], 0);
        if (Sphere && Stds.All(s => s == 0)) throw new ArgumentException("Projection on the sphere needs some std > 0.", nameof(Stds));
    }

    /// <summary>Draws n items a = U (s ∘ z), z ~ N(0, I), then a/|a| when projecting on the sphere.</summary>
    public override LinearManifoldData Generate(long seed)
    {
        Validate();
        double[]? basis = Rotate ? RandomRotation.Haar(D, Xoshiro.ForStream(seed, GaussianSpec.RotationStream)) : null;
        var values = GaussianSpec.Sample(N, Stds, basis, seed, Sphere);
        return new LinearManifoldData(new Dataset(values, N, D, name: Source(seed)), seed, this, basis);
    }

    /// <inheritdoc/>
    public override string Source(long seed) => string.Create(CultureInfo.InvariantCulture,
        $"manifold:d={D},n={N},stds={DataSource.FormatList(Stds)},sphere={(Sphere ? "true" : "false")},rotate={(Rotate ? "true" : "false")},seed={seed}");
}

/// <summary>Linear-manifold data with its ground truth.</summary>
/// <param name="Data">Items (unlabelled).</param>
/// <param name="Seed">Seed used.</param>
/// <param name="Spec">Model parameters; the stds are <c>Spec.Stds</c>.</param>
/// <param name="Basis">Directions as a row-major d×d U (Basis[i·d + k] = component i of direction k), or null for the coordinate axes.</param>
public sealed record LinearManifoldData(Dataset Data, long Seed, LinearManifoldSpec Spec, double[]? Basis) : SyntheticData(Data, Seed)
{
    /// <summary>Covariance U diag(s²) Uᵀ before any sphere projection, row-major d×d (after projection it is only approximate).</summary>
    public double[] Covariance() => GaussianSpec.Covariance(Spec.Stds.Select(s => s * s).ToArray(), Basis);
}
