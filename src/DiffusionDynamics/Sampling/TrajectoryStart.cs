using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// Where a batch starts: a function of the batch's noise source and the grid, returning x at the grid still to run
/// (<see cref="StartedRun"/>). Factories cover the start rules of <see cref="Start"/>.
/// </summary>
/// <param name="Begin">(noise, grid) → the started run; draws from the rows' own streams only.</param>
public sealed record TrajectoryStart(Func<NoiseSource, TimeGrid, StartedRun> Begin)
{
    /// <summary>x(T) ~ N(0, I) (float32).</summary>
    public static TrajectoryStart Noise { get; } = new((noise, grid) => new StartedRun(Start.FromNoise(noise), grid));

    /// <summary>A start rule of <see cref="Start.Begin"/> (noise, forward marginal, teleport, Gaussian late start).</summary>
    public static TrajectoryStart FromRule(StartOptions options, Tensor? trainingSet = null, GaussianDenoiser? gaussian = null,
        ScalarType dtype = ScalarType.Float32) =>
        new((noise, grid) => Start.Begin(options, grid, noise, trainingSet, gaussian, dtype));

    /// <summary>x at the grid's first time from a draw of the batch's streams (e.g. a transported or custom start).</summary>
    public static TrajectoryStart Custom(Func<NoiseSource, Tensor> draw) => new((noise, grid) => new StartedRun(draw(noise), grid));
}
