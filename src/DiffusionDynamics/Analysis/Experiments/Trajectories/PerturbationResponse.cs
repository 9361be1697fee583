using DiffusionDynamics.Random;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Effect of a perturbation made at one time t_p.</summary>
/// <param name="T">Perturbation time t_p (OU).</param>
/// <param name="MeanChange">Mean over trajectories of |x̂₀′ − x̂₀|.</param>
/// <param name="Stderr">Its standard error.</param>
/// <param name="RmsChange">√(mean |x̂₀′ − x̂₀|²).</param>
/// <param name="TheoryGaussianRms">RMS change for the exact Gaussian score of the data's spectrum (linear response,
/// <see cref="Theory.ModeEmergenceTheory.PerturbationRms"/>); null when not computed.</param>
/// <param name="ClassChangeRate">Share of trajectories whose final class changed (null without a class rule).</param>
/// <param name="ClassStderr">Binomial standard error.</param>
/// <param name="NearestChangeRate">Share whose nearest training point changed.</param>
/// <param name="NearestStderr">Binomial standard error.</param>
public sealed record PerturbationPoint(double T, double MeanChange, double Stderr, double RmsChange, double? TheoryGaussianRms,
    double? ClassChangeRate, double? ClassStderr, double NearestChangeRate, double NearestStderr);

/// <summary>Perturbation response over t_p (descending t_p: early first).</summary>
/// <param name="Epsilon">Norm ε of every perturbation.</param>
/// <param name="Curve">One point per perturbation time.</param>
/// <param name="Continuation">How the perturbed copy continues (same noise stream or deterministic).</param>
public sealed record PerturbationResult(double Epsilon, IReadOnlyList<PerturbationPoint> Curve, string Continuation);

/// <summary>
/// Early perturbations change the outcome more than late ones (Wang &amp; Vastola, arXiv 2303.02490): at grid time t_p the state x(t_p)
/// of a trajectory is replaced by x(t_p) + ε v, v a unit vector uniform on the sphere drawn from the sample's own stream, and the copy
/// runs to the end — with the same noise increments as the original after t_p (SDE) or deterministically (ODE). Measured per sample:
/// |x̂₀′ − x̂₀|, whether the class changed, whether the nearest training point changed.
/// </summary>
public static class PerturbationResponse
{
    /// <summary>Salt of the perturbation directions' streams (one stream per (seed, perturbation index, sample id)).</summary>
    public const ulong DirectionSalt = 0x9E27_0B5EUL;

    /// <summary>Unit directions v for samples firstId … firstId + B − 1 and perturbation index p: [B, d] of the given dtype.</summary>
    public static Tensor Directions(long seed, int perturbationIndex, long firstId, int batch, int dimension, ScalarType dtype)
    {
        var source = NoiseSource.ForSamples((long)Xoshiro.Mix(Xoshiro.Mix((ulong)seed, DirectionSalt), (ulong)perturbationIndex), firstId, batch, dimension);
        using var z = source.Next(ScalarType.Float64);
        using var unit = z / z.norm(1, keepdim: true).clamp_min(1e-300);
        return unit.to_type(dtype);
    }

    /// <summary>
    /// Final samples of perturbed copies for one batch and one perturbation time: x(t_p) + ε v is run from grid index k_p to the end.
    /// </summary>
    /// <param name="sampler">Integrator of the continuation (the one of the original trajectories).</param>
    /// <param name="denoiser">The score of the original trajectories.</param>
    /// <param name="grid">The grid of the original trajectories.</param>
    /// <param name="xAtPerturbation">x(t_p): [B, d].</param>
    /// <param name="perturbationIndex">Grid index k_p of t_p. Range: 0 ≤ k_p &lt; N.</param>
    /// <param name="noiseAtPerturbation">For the SDE: the batch's noise source positioned just before step k_p (the same increments the
    /// original trajectory used from then on); ignored by the ODEs.</param>
    /// <param name="epsilon">Norm ε of the perturbation. Range: ≥ 0.</param>
    /// <param name="directions">v: [B, d], unit rows.</param>
    /// <param name="cancellationToken">Stops between sampler steps.</param>
    public static Tensor PerturbedFinals(SamplerKind sampler, IDenoiser denoiser, TimeGrid grid, Tensor xAtPerturbation, int perturbationIndex,
        double epsilon, Tensor directions, NoiseSource? noiseAtPerturbation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(xAtPerturbation);
        ArgumentNullException.ThrowIfNull(directions);
        if (perturbationIndex < 0 || perturbationIndex >= grid.Steps)
            throw new ArgumentOutOfRangeException(nameof(perturbationIndex), perturbationIndex, $"The perturbation index must lie in [0, {grid.Steps - 1}].");
        if (!(epsilon >= 0) || !double.IsFinite(epsilon)) throw new ArgumentException($"ε must be finite and ≥ 0 (got {epsilon}).", nameof(epsilon));
        if (xAtPerturbation.dim() != 2 || xAtPerturbation.shape[1] != denoiser.Dimension)
            throw new ArgumentException($"x(t_p) must be [B, {denoiser.Dimension}], got [{string.Join(", ", xAtPerturbation.shape)}].", nameof(xAtPerturbation));
        if (!directions.shape.SequenceEqual(xAtPerturbation.shape))
            throw new ArgumentException($"Directions [{string.Join(", ", directions.shape)}] must match x(t_p) [{string.Join(", ", xAtPerturbation.shape)}].", nameof(directions));
        using var scope = NewDisposeScope();
        var start = xAtPerturbation + directions.to_type(xAtPerturbation.dtype) * epsilon;
        var request = new TrajectoryRequest(sampler) { FromIndex = perturbationIndex };
        var final = TrajectoryRunner.Run(denoiser, request, grid, start, noiseAtPerturbation, cancellationToken: cancellationToken);
        return final.MoveToOuterDisposeScope();
    }

    /// <summary>Per-sample outcome of one batch at one t_p: distances |x̂₀′ − x̂₀|, class changed, nearest training point changed.</summary>
    public static (double[] Distance, bool[]? ClassChanged, bool[] NearestChanged) Compare(Tensor baseFinals, Tensor perturbedFinals, Tensor trainingSet,
        Func<Tensor, int[]>? classify)
    {
        ArgumentNullException.ThrowIfNull(baseFinals);
        ArgumentNullException.ThrowIfNull(perturbedFinals);
        ArgumentNullException.ThrowIfNull(trainingSet);
        if (!baseFinals.shape.SequenceEqual(perturbedFinals.shape))
            throw new ArgumentException($"Final samples [{string.Join(", ", baseFinals.shape)}] and perturbed [{string.Join(", ", perturbedFinals.shape)}] differ in shape.");
        using var scope = NewDisposeScope();
        var distance = (perturbedFinals.to_type(ScalarType.Float64) - baseFinals.to_type(ScalarType.Float64)).norm(1).data<double>().ToArray();
        var nearestBase = NearestNeighbours.Find(baseFinals, trainingSet).Nearest;
        var nearestPerturbed = NearestNeighbours.Find(perturbedFinals, trainingSet).Nearest;
        var nearestChanged = nearestBase.Zip(nearestPerturbed, (a, b) => a != b).ToArray();
        bool[]? classChanged = null;
        if (classify is not null)
        {
            var cb = classify(baseFinals);
            var cp = classify(perturbedFinals);
            classChanged = cb.Zip(cp, (a, b) => a != b).ToArray();
        }
        return (distance, classChanged, nearestChanged);
    }

    /// <summary>Summary of one perturbation time from the per-sample outcomes of all batches.</summary>
    public static PerturbationPoint Summarize(double t, IReadOnlyList<double> distances, IReadOnlyList<bool>? classChanged, IReadOnlyList<bool> nearestChanged,
        double? theoryRms)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(nearestChanged);
        if (distances.Count < 1 || nearestChanged.Count != distances.Count || (classChanged is not null && classChanged.Count != distances.Count))
            throw new ArgumentException($"Need ≥ 1 sample and one outcome per sample ({distances.Count} distances, {nearestChanged.Count} nearest, {classChanged?.Count} class).");
        var (mean, se) = TrajectoryGeometry.MeanSe(distances.ToArray());
        double rms = Math.Sqrt(distances.Average(x => x * x));
        double? classRate = classChanged is null ? null : classChanged.Count(c => c) / (double)classChanged.Count;
        double nearestRate = nearestChanged.Count(c => c) / (double)nearestChanged.Count;
        return new PerturbationPoint(t, mean, se, rms, theoryRms, classRate,
            classRate is double p ? BranchOutcome.StdErr(p, classChanged!.Count) : null,
            nearestRate, BranchOutcome.StdErr(nearestRate, nearestChanged.Count));
    }
}
