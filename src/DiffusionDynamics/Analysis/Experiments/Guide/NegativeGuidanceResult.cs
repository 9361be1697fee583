namespace DiffusionDynamics.Analysis;

/// <summary>
/// One generation mode (guide.json "modes"): "none" (unguided), "static" (negative prompting, constant p = ½) or "dynamic" (p tracked online);
/// the share of samples the held-apart classifier puts in the forbidden class (± binomial SE), the KL divergence of the generated kept-class
/// histogram to the target, the Fréchet distance to held-out kept-class data, and the collateral change: the mean distance ‖x_guided − x_twin‖
/// to the unguided twin (same per-sample noise) over the twins that were not of the forbidden class.
/// </summary>
public sealed record GuidanceMode(string Mode, double Lambda, double ForbiddenShare, double ForbiddenShareStderr, double KlToTarget, double Frechet, double Collateral);

/// <summary>How the tracked p followed the exact p(c | x_t) (both clamped to [p_min, p_max]) over every step of the dynamic run at the main λ.</summary>
public sealed record GuidanceTracking(double MaxAbsError, double MeanAbsError);

/// <summary>Mean tracked and exact p(c | x_t) per grid time in the dynamic run at the main λ (for the figure).</summary>
public sealed record TrackingCurve(double[] T, double[] Tracked, double[] Exact);

/// <summary>
/// The result of <see cref="NegativeGuidanceExperiment"/> (guide.json): the modes, the tracking errors where an exact posterior exists, the
/// classifier's accuracy (trained on held-out data, measured on the guidance data), and how the run was made.
/// </summary>
public sealed record NegativeGuidanceResult(IReadOnlyList<GuidanceMode> Modes, GuidanceTracking? Tracking, double ClassifierAccuracy,
    int Forbidden, string? ForbiddenName, IReadOnlyList<int> Classes, IReadOnlyDictionary<string, int[]> Histograms, double[] Target,
    TrackingCurve? TrackingCurve, string Data, int Count, int Dimension, string Sampler, int Samples, int Steps, double Seconds,
    string Clock = "OU time t (dx = -x dt + sqrt(2) dW; Delta_t = 1 - exp(-2t))")
{
    /// <summary>The class-conditional scores in words (exact per-class, a model pair), set by the caller; null when not given.</summary>
    public string? ScoreSource { get; init; }
}
