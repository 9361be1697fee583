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
    string Data, int Count, int Dimension, int Classes, string Sampler, int Samples, int Steps, string? Model, double Seconds);
