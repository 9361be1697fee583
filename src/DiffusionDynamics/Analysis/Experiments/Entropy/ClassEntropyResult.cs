using System.Text.Json.Serialization;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// One grid time of the class-entropy curve (entropy.json "curve"): H(Y | X_t) in nats averaged over trajectories (exact posterior),
/// its standard error, the rate dH/dt = −dH/dτ (information produced per unit generation time τ = −t) with its standard error, the
/// closed form (null where none applies), the online Bayes estimate (null where not run) and the I-MMSE estimate (null where not run).
/// </summary>
public sealed record EntropyPoint(double T, [property: JsonPropertyName("H")] double H, double Stderr, double Rate, double RateStderr, double? Theory, double? Online, double? Immse);

/// <summary>The peak of the rate: its time, value and the closed-form rate's peak time (null without a closed form).</summary>
public sealed record EntropyPeak(double T, double Rate, double? Theory);

/// <summary>
/// The profile of the trajectories that end in one class (assigned by the exact posterior at t_min): their mean class entropy and
/// rate per grid time, and the time of the peak rate.
/// </summary>
public sealed record ClassEntropyProfile(int Label, string? Name, int Trajectories, double[] H, double[] Rate, double PeakT, double PeakRate);

/// <summary>Extras per grid time beside the contract's curve: rate per e-fold of SNR, closed-form rate, variance of the pathwise entropy.</summary>
public sealed record EntropyExtras(double[] RatePerLogSnr, double[] RatePerLogSnrStderr, double?[] TheoryRate, double[] PathwiseVariance,
    double[] OnlineStderr);

/// <summary>How the online posterior compares with the exact one, over all trajectories and grid times (max and mean |p_online − p_exact|).</summary>
public sealed record OnlineTracking(double MaxAbsError, double MeanAbsError, double FinalMeanAbsError);

/// <summary>
/// The result of <see cref="ClassEntropyAnalysis"/> (entropy.json): clock, the curve, the peak, per-class profiles, the speciation time
/// t_S = ½ ln Λ, the time where the variance of the pathwise entropy peaks, and how the run was made.
/// </summary>
public sealed record ClassEntropyResult(string Clock, IReadOnlyList<EntropyPoint> Curve, EntropyPeak Peak, IReadOnlyList<ClassEntropyProfile> PerClass,
    double SpeciationTheory, double VariancePeakT, double PriorEntropy, EntropyExtras Extras, OnlineTracking? Tracking,
    string Data, int Count, int Dimension, int Classes, string Sampler, int Samples, int Steps, string? Model, double Seconds)
{
    /// <summary>Which posterior gives the curve's H: "exact posterior", or "online Bayes" for denoisers without one (trained or imported D and D_c).</summary>
    public string Estimator { get; init; } = "exact posterior";

    /// <summary>The class-conditional scores in words (e.g. "per-class empirical (Float64)", a model pair), set by the caller; null when not given.</summary>
    public string? ScoreSource { get; init; }

    /// <summary>The rate of H(X₀ | X_t) from the divergence of the score along the same trajectories (null when not run).</summary>
    public StateInformationCurve? StateInformation { get; init; }

    /// <summary>The symmetry-breaking time of the backward drift for the same denoiser and data (null when not run).</summary>
    public SymmetryBreakingTime? SymmetryBreaking { get; init; }

    /// <summary>Denoised estimates at the peak times for image data (null otherwise; drawn as a figure, not serialized).</summary>
    [JsonIgnore] public EntropyStrip? Strip { get; init; }
}

/// <summary>
/// One grid time of the state-information curve (entropy.json "stateInformation.curve"; arXiv 2508.19897, docs/theory.md §7.7): the mean
/// divergence of the score E ∇·s over the trajectories with its standard error, the rate dH(X₀ | X_t)/dt = d/Δ_t + E ∇·s (nats per unit OU
/// time, ≥ 0) with its standard error, its closed form (null where none applies), I(X₀; X_t) = ∫_t^∞ rate (measured rate on the grid plus
/// the small-SNR tail ½ snr_T tr Cov(a) above T) and its closed form (Gaussian data only, else null).
/// </summary>
public sealed record StatePoint(double T, double Divergence, double DivergenceStderr, double Rate, double RateStderr, double? Theory, double Information,
    double? TheoryInformation);

/// <summary>The rate of the conditional entropy of the state along the trajectories and how the divergence was measured.</summary>
/// <param name="Method">"exact (posterior covariance)" or "Hutchinson, k Rademacher probes, central finite differences".</param>
/// <param name="Probes">Hutchinson probes per point (0 when exact).</param>
/// <param name="Curve">Per grid time, same order as the class-entropy curve.</param>
/// <param name="TheoryLabel">Which closed form the theory columns use (null: none).</param>
public sealed record StateInformationCurve(string Method, int Probes, IReadOnlyList<StatePoint> Curve, string? TheoryLabel);

/// <summary>The symmetry-breaking time of the backward SDE drift for the same denoiser and data (<see cref="SymmetryBreakingAnalysis"/>, docs/theory.md §5).</summary>
/// <param name="CriticalTime">Where the largest eigenvalue of the drift's Jacobian at the central fixed point crosses 0 (null: no crossing on the grid).</param>
/// <param name="ClosedForm">The two-cluster / two-point closed form (null without a model).</param>
/// <param name="Method">Dense or projected Jacobian.</param>
/// <param name="Note">Why no critical time was found, when none was.</param>
/// <param name="AtCentre">Where the largest eigenvalue at the centre c(t) itself (not at the tracked fixed point) crosses 0 (null: none on the grid).</param>
public sealed record SymmetryBreakingTime(double? CriticalTime, double? ClosedForm, string Method, string? Note, double? AtCentre);

/// <summary>
/// Denoised estimates x̂₀ = D(x_t, t) of the first trajectories at chosen times (the peak of the rate, each class's peak, the end) for image data.
/// Images are row-major: row r = trajectory r, column j = <see cref="Times"/>[j]. Not written to entropy.json (the figure is).
/// </summary>
public sealed record EntropyStrip(double[] Times, string[] Labels, int Trajectories, IReadOnlyList<float[]> Images, int[] ItemShape);
