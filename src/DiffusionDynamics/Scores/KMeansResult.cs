using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>A k-means partition of n points.</summary>
/// <param name="Centres">[k, d] float64: the mean of each cluster's points (the caller disposes it).</param>
/// <param name="Assignments">Cluster of each point, length n, values in [0, k).</param>
/// <param name="Sizes">Points per cluster n_j, length k (0 only when the data have fewer than k distinct points).</param>
/// <param name="Iterations">Lloyd iterations run.</param>
/// <param name="Converged">True when an iteration left every assignment unchanged before the iteration cap.</param>
/// <param name="Inertia">Σ_μ |a^μ − c_{j(μ)}|², the within-cluster sum of squares.</param>
public sealed record KMeansResult(Tensor Centres, int[] Assignments, int[] Sizes, int Iterations, bool Converged, double Inertia);
