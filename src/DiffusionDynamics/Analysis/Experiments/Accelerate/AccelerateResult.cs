using System.Text.Json.Serialization;
using DiffusionDynamics.Sampling;

namespace DiffusionDynamics.Analysis;

/// <summary>One (sampler, start, budget) cell of the sweep.</summary>
/// <param name="Sampler">Integrator.</param>
/// <param name="Start">Baseline, teleport or Gaussian late start.</param>
/// <param name="NominalNfe">The budget N asked for.</param>
/// <param name="Nfe">Denoiser evaluations per sample actually spent (steps × evaluations per step + 1 final denoise; ≤ N).</param>
/// <param name="Steps">Grid steps.</param>
/// <param name="StartTime">OU time where the sampler starts: T for the baseline, t_skip otherwise.</param>
/// <param name="Fd">Fréchet distance of the samples to the reference set in the feature space.</param>
/// <param name="FdStderr">Bootstrap standard error of <paramref name="Fd"/> over the generated samples (reference fixed).</param>
/// <param name="MemorizedFraction">Share of samples with nearest/second-nearest training distance ratio &lt; 1/3.</param>
/// <param name="WallSeconds">Wall time of the sampling (not of the FD).</param>
public sealed record AccelerationRun(SamplerKind Sampler, AccelerationStart Start, int NominalNfe, int Nfe, int Steps, double StartTime,
    double Fd, double FdStderr, double MemorizedFraction, double WallSeconds)
{
    /// <summary>The first few samples (row-major, for figures); not serialized.</summary>
    [JsonIgnore] public float[] Preview { get; init; } = [];
}

/// <summary>How an equal-quality budget was found.</summary>
public enum SavedKind
{
    /// <summary>The accelerated curve crosses the baseline FD inside the swept budgets (interpolated in log NFE).</summary>
    Interpolated,
    /// <summary>The accelerated variant is already as good at its smallest budget: N′ ≤ N_min, saved ≥ the value given.</summary>
    AtLeast,
    /// <summary>The accelerated variant never reaches the baseline FD: N′ &gt; N_max, saved &lt; the value given.</summary>
    LessThan,
    /// <summary>The baseline is already at the FD floor (within 2 floor sd): indistinguishable from a perfect sampler, no saving defined.</summary>
    AtFloor,
}

/// <summary>Steps saved at one baseline budget.</summary>
/// <param name="BaselineNfe">N (actual NFE of the baseline).</param>
/// <param name="BaselineFd">Baseline FD at N.</param>
/// <param name="EquivalentNfe">N′, where the accelerated variant reaches the same FD (the bound for the bounded kinds; null at the floor).</param>
/// <param name="Saved">1 − N′/N (a bound for the bounded kinds; may be negative; null at the floor).</param>
/// <param name="Kind">Interpolated, a bound, or at the floor.</param>
public sealed record StepsSavedPoint(int BaselineNfe, double BaselineFd, double? EquivalentNfe, double? Saved, SavedKind Kind);

/// <summary>Fraction of steps saved at equal quality by one accelerated start rule, for one sampler.</summary>
/// <param name="Sampler">Integrator.</param>
/// <param name="Start">Teleport or Gaussian late start.</param>
/// <param name="Median">Median of <see cref="StepsSavedPoint.Saved"/> over the interpolated points (null when none).</param>
/// <param name="FloorLevel">Baseline FDs at or below this level (floor + 2 floor sd) count as <see cref="SavedKind.AtFloor"/>.</param>
/// <param name="Points">One per baseline budget, including bounds.</param>
public sealed record StepsSaved(SamplerKind Sampler, AccelerationStart Start, double? Median, IReadOnlyList<StepsSavedPoint> Points, double FloorLevel);

/// <summary>The hand-over time of teleport and late start.</summary>
/// <param name="Value">t_skip (OU).</param>
/// <param name="Rule">How it was chosen (given, or the explained-variance rule).</param>
/// <param name="Threshold">The EV threshold of the rule (null when given).</param>
/// <param name="LogSnrFraction">(λ(t_skip) − λ(T))/(λ(t_min) − λ(T)): the share of a log-SNR grid that the jump replaces.</param>
/// <param name="Curve">EV(t) on the rule's time grid (empty when t_skip was given).</param>
public sealed record SkipTime(double Value, string Rule, double? Threshold, double LogSnrFraction, IReadOnlyList<ExplainedVariancePoint> Curve);

/// <summary>The Monte-Carlo floor of the FD: what a perfect sampler reaches with this many samples.</summary>
/// <param name="Fd">Mean FD of <paramref name="Subsets"/> training subsets of <paramref name="SubsetSize"/> points to the reference set.</param>
/// <param name="Sd">Spread (standard deviation) of one such FD — the scatter of a single perfect run.</param>
/// <param name="Stderr">Sd/√Subsets, the error of <paramref name="Fd"/>.</param>
/// <param name="Subsets">Number of subsets.</param>
/// <param name="SubsetSize">Points per subset (the sample count of the sweep).</param>
/// <param name="ReferenceSize">Points in the reference set.</param>
/// <param name="GaussianTheory">Leading-order plug-in bias for Gaussian features with the reference's feature eigenvalues (<see cref="FrechetDistance.SamePopulationBias"/>).</param>
/// <param name="Disjoint">True when the subsets are disjoint (n ≥ 2S), i.e. independent; false: overlapping, Sd is then too small.</param>
public sealed record FdFloor(double Fd, double Sd, double Stderr, int Subsets, int SubsetSize, int ReferenceSize, double GaussianTheory, bool Disjoint);

/// <summary>The data of the sweep.</summary>
public sealed record AccelerationData(string Name, int N, int D, string Reference, int ReferenceN, IReadOnlyList<string> Preprocessing);

/// <summary>Settings and timings.</summary>
public sealed record AccelerationRunInfo(int Samples, int Bootstrap, long Seed, string Grid, double TMax, double TMin, string BaseStart,
    double SkipSeconds, double FeatureSeconds, double SamplingSeconds, double TotalSeconds);

/// <summary>Everything <see cref="AccelerateExperiment"/> measures; the figures and files are drawn from it alone.</summary>
public sealed record AccelerateResult(
    string Clock,
    AccelerationData Data,
    string Denoiser,
    string Features,
    int FeatureDimension,
    SkipTime TSkip,
    FdFloor Floor,
    IReadOnlyList<AccelerationRun> Runs,
    IReadOnlyList<StepsSaved> StepsSaved,
    AccelerationRunInfo Run)
{
    /// <summary>Item shape of the data (for image figures); not serialized.</summary>
    [JsonIgnore] public int[] ItemShape { get; init; } = [];
}

