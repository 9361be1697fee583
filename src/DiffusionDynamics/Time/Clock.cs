namespace DiffusionDynamics.Time;

/// <summary>
/// The time parametrizations the project converts at its edges; everything inside speaks the OU time t
/// (Biroli et al. 2024, arXiv 2402.18491; docs/theory.md §1). The value carried by each clock:
/// <list type="bullet">
/// <item><see cref="Ou"/>: t itself, t ≥ 0.</item>
/// <item><see cref="DdpmLinear"/>: the fractional step κ ∈ [0, K−1] of <see cref="DdpmLinearSchedule.Default"/>.</item>
/// <item><see cref="DdpmCosine"/>: the fractional step κ ∈ [0, K−1] of <see cref="CosineSchedule.Default"/>.</item>
/// <item><see cref="VpSde"/>: the SDE time s ∈ [0, 1] of <see cref="Time.VpSde.Default"/> (β 0.1 → 20).</item>
/// <item><see cref="Edm"/>: the noise level σ ≥ 0, t = ½ ln(1 + σ²).</item>
/// </list>
/// </summary>
public enum Clock
{
    /// <summary>Ornstein–Uhlenbeck time t.</summary>
    Ou,

    /// <summary>DDPM linear schedule step (K = 1000, β 1e-4 → 0.02), fractional.</summary>
    DdpmLinear,

    /// <summary>Cosine schedule step (K = 1000, s = 0.008, β ≤ 0.999), fractional.</summary>
    DdpmCosine,

    /// <summary>VP-SDE time s ∈ [0, 1], β 0.1 → 20.</summary>
    VpSde,

    /// <summary>EDM / VE noise level σ.</summary>
    Edm,
}

/// <summary>The single conversion entry between a <see cref="Clock"/> value and the OU time t.</summary>
public static class ClockConversion
{
    /// <summary>
    /// OU time t of a value in <paramref name="clock"/> (see <see cref="Clock"/> for each value's meaning and
    /// range). Discrete clocks interpolate linearly in t between steps (<see cref="DiscreteSchedule.TimeAt"/>).
    /// </summary>
    public static double ToOuTime(this Clock clock, double value) => clock switch
    {
        Clock.Ou => CheckOu(value),
        Clock.DdpmLinear => DdpmLinearSchedule.Default.TimeAt(value),
        Clock.DdpmCosine => CosineSchedule.Default.TimeAt(value),
        Clock.VpSde => Time.VpSde.Default.TimeOf(value),
        Clock.Edm => EdmSigma.ToTime(value),
        _ => throw new ArgumentException($"Unknown clock {clock}.", nameof(clock)),
    };

    /// <summary>
    /// The value in <paramref name="clock"/> of the OU time t. Discrete clocks return the fractional step
    /// (<see cref="DiscreteSchedule.FractionalStep"/>; t must lie in the table's range [t_0, t_{K−1}]);
    /// the VP-SDE needs t ≤ t(1) = 5.025.
    /// </summary>
    public static double FromOuTime(this Clock clock, double t) => clock switch
    {
        Clock.Ou => CheckOu(t),
        Clock.DdpmLinear => DdpmLinearSchedule.Default.FractionalStep(t),
        Clock.DdpmCosine => CosineSchedule.Default.FractionalStep(t),
        Clock.VpSde => Time.VpSde.Default.FromTime(t),
        Clock.Edm => EdmSigma.FromTime(t),
        _ => throw new ArgumentException($"Unknown clock {clock}.", nameof(clock)),
    };

    private static double CheckOu(double t)
    {
        OuTime.RequireNonNegative(t);
        return t;
    }
}
