using DiffusionDynamics.Scores;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>What every cell of an accelerate sweep shares and the report shows: t_skip, the FD floor, the feature space (and the setup's timings).</summary>
public sealed record AccelerateShared(SkipTime Skip, FdFloor Floor, string Features, int FeatureDimension, double SkipSeconds, double FeatureSeconds);

/// <summary>
/// The setup of an accelerate sweep (<see cref="AccelerateExperiment.Prepare"/>): the sampling denoiser, the Gaussian fit, the feature space and
/// the reference moments, and the <see cref="AccelerateShared"/> numbers. Disposes what it created.
/// </summary>
public sealed class AccelerateSetup : IDisposable
{
    internal AccelerateSetup(AccelerateOptions options, Tensor trainingSet)
    {
        Options = options;
        TrainingSet = trainingSet;
    }

    /// <summary>The sweep's options.</summary>
    public AccelerateOptions Options { get; }

    /// <summary>The shared numbers.</summary>
    public AccelerateShared Shared { get; internal set; } = null!;

    internal Tensor TrainingSet { get; }
    internal EmpiricalDenoiser? Empirical { get; set; }
    internal IDenoiser Denoiser { get; set; } = null!;
    internal GaussianDenoiser Gaussian { get; set; } = null!;
    internal IFeatureSpace Features { get; set; } = null!;
    internal FeatureMoments ReferenceMoments { get; set; } = null!;

    /// <inheritdoc />
    public void Dispose()
    {
        ReferenceMoments?.Dispose();
        Features?.Dispose();
        Gaussian?.Dispose();
        Empirical?.Dispose();
        TrainingSet.Dispose();
    }
}

/// <summary>One cell of a sharded accelerate sweep on disk: its run, its sample preview (not in the run's JSON) and the shared setup it ran with.</summary>
public sealed record AcceleratePoint(AccelerationRun Run, float[] Preview, AccelerateShared Shared);
