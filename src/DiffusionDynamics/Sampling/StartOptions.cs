using System.Text.Json.Serialization;
using DiffusionDynamics.Time;

namespace DiffusionDynamics.Sampling;

/// <summary>Where the backward run starts (docs/theory.md §3, §5).</summary>
public enum StartKind
{
    /// <summary>x(T) ~ N(0, I) at the grid's first time T (accurate for T ≳ 5; the papers use T = 10).</summary>
    Noise,
    /// <summary>x(T) drawn exactly from the empirical forward marginal P_T^e of the training set (no bias at any T).</summary>
    ForwardMarginal,
    /// <summary>
    /// Analytical teleportation (Wang &amp; Vastola, arXiv 2412.09726 and 2303.02490): x(T) ~ N(0, I), then the
    /// closed-form PF-ODE of the data's Gaussian N(m, C) jumps to t_skip (<see cref="Scores.GaussianDenoiser.Transport"/>);
    /// the sampler continues below t_skip with any denoiser. The jump costs no denoiser evaluation.
    /// </summary>
    Teleport,
    /// <summary>
    /// Gaussian late start (Wang &amp; Vastola, arXiv 2412.09726; Raya &amp; Ambrogioni, arXiv 2305.19693):
    /// x(t_skip) ~ N(e^{−t} m, e^{−2t} C + Δ_t I) drawn directly, then the sampler runs below t_skip.
    /// </summary>
    GaussianLateStart,
}

/// <summary>
/// A start rule and its parameter. <see cref="TimeSkip"/> is the time t_skip at which
/// <see cref="StartKind.Teleport"/> and <see cref="StartKind.GaussianLateStart"/> hand over to the sampler
/// (required for those two, not allowed for the others). Range: t_min &lt; t_skip ≤ T of the grid.
/// </summary>
/// <param name="Kind">The rule (default: pure noise at T, Biroli et al. 2024).</param>
/// <param name="TimeSkip">OU time t_skip of the hand-over (null for noise and forward-marginal starts).</param>
public sealed record StartOptions(StartKind Kind = StartKind.Noise, double? TimeSkip = null)
{
    /// <summary>x(T) ~ N(0, I).</summary>
    public static StartOptions Noise { get; } = new();

    /// <summary>True for the rules that use the data's Gaussian (teleport, Gaussian late start).</summary>
    [JsonIgnore]
    public bool UsesGaussian => Kind is StartKind.Teleport or StartKind.GaussianLateStart;

    /// <summary>True for the rules that need the training set (forward marginal).</summary>
    [JsonIgnore]
    public bool UsesTrainingSet => Kind == StartKind.ForwardMarginal;

    /// <summary>The OU time at which the sampler starts: t_skip for the Gaussian rules, else T.</summary>
    public double SamplerStart(double T) => UsesGaussian ? TimeSkip!.Value : T;

    /// <summary>Throws <see cref="ArgumentException"/> naming the bad value when the rule does not fit (T, t_min).</summary>
    public void Validate(double T, double tMin)
    {
        if (!Enum.IsDefined(Kind)) throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown start rule.");
        if (UsesGaussian)
        {
            if (TimeSkip is not { } ts)
                throw new ArgumentException($"The {Kind} start needs a TimeSkip t_skip in (t_min = {tMin}, T = {T}].", nameof(TimeSkip));
            if (!double.IsFinite(ts) || !(ts > tMin) || !(ts <= T))
                throw new ArgumentException($"TimeSkip t_skip = {ts} must be finite and lie in (t_min = {tMin}, T = {T}].", nameof(TimeSkip));
        }
        else if (TimeSkip is { } ts)
            throw new ArgumentException($"TimeSkip = {ts} applies only to the Teleport and GaussianLateStart rules, not {Kind}.", nameof(TimeSkip));
    }

    /// <summary><see cref="Validate(double, double)"/> against a grid's T and t_min.</summary>
    public void Validate(TimeGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        Validate(grid.Start, grid.End);
    }
}
