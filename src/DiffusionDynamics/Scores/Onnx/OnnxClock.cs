using DiffusionDynamics.Time;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// The map from the OU time t to an imported model's own noise level (docs/theory.md §1, §9), built on the closed
/// forms of <c>Time/</c>:
/// <list type="bullet">
/// <item>discrete schedules (<see cref="DiscreteSchedule"/>): t_k = −½ ln ᾱ_k; nearest step or interpolation
/// (<see cref="OnnxTimestepMapping"/>), t clamped to [t_0, t_{K−1}];</item>
/// <item>VP-SDE (<see cref="VpSde"/>): s(t), fed as s × scale, t clamped to [0, t(1)];</item>
/// <item>EDM: σ = √(e^{2t} − 1) (<see cref="EdmSigma"/>), fed as σ, or as c_noise = ¼ ln σ for the raw network F.</item>
/// </list>
/// Immutable; <see cref="Map"/> is a pure function of t.
/// </summary>
public sealed class OnnxClock
{
    private readonly double vpTimeScale;
    private readonly bool integerInput;

    private OnnxClock(OnnxScheduleKind kind, DiscreteSchedule? table, VpSde? vp, double vpTimeScale, EdmPreconditioning edm,
        OnnxTimestepMapping mapping, bool integerInput, string name)
    {
        Kind = kind;
        Table = table;
        Vp = vp;
        this.vpTimeScale = vpTimeScale;
        Edm = edm;
        Mapping = mapping;
        this.integerInput = integerInput;
        Name = name;
    }

    /// <summary>A discrete-step clock. <paramref name="integerInput"/>: the graph's timestep input is an integer type.</summary>
    public static OnnxClock Discrete(OnnxScheduleKind kind, DiscreteSchedule table, OnnxTimestepMapping mapping, bool integerInput)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (kind is OnnxScheduleKind.VpSde or OnnxScheduleKind.Edm)
            throw new ArgumentException($"Schedule {kind} is continuous, not a discrete table.", nameof(kind));
        string how = mapping == OnnxTimestepMapping.Nearest ? "nearest step" : integerInput ? "interpolated D between steps" : "fractional step";
        return new OnnxClock(kind, table, null, 1, default, mapping, integerInput, $"{table.Name}, {how}");
    }

    /// <summary>The VP-SDE clock; the model gets s(t) × <paramref name="timeScale"/>.</summary>
    public static OnnxClock VpSdeClock(VpSde sde, double timeScale = 1)
    {
        ArgumentNullException.ThrowIfNull(sde);
        if (!(timeScale > 0) || !double.IsFinite(timeScale)) throw new ArgumentOutOfRangeException(nameof(timeScale), timeScale, "The time scale must be finite and > 0.");
        return new OnnxClock(OnnxScheduleKind.VpSde, null, sde, timeScale, default, OnnxTimestepMapping.Interpolate, false,
            $"vp-sde(β {sde.BetaMin}→{sde.BetaMax}, input {timeScale}·s)");
    }

    /// <summary>The EDM σ clock; the model gets σ (<see cref="EdmPreconditioning.Denoiser"/>) or c_noise = ¼ ln σ (<see cref="EdmPreconditioning.RawNetwork"/>).</summary>
    public static OnnxClock EdmClock(EdmPreconditioning preconditioning) =>
        new(OnnxScheduleKind.Edm, null, null, 1, preconditioning, OnnxTimestepMapping.Interpolate, false,
            preconditioning == EdmPreconditioning.Denoiser ? "edm(σ)" : "edm(c_noise = ¼ ln σ)");

    /// <summary>The kind of clock.</summary>
    public OnnxScheduleKind Kind { get; }

    /// <summary>The discrete table (null for VP-SDE and EDM).</summary>
    public DiscreteSchedule? Table { get; }

    /// <summary>The VP-SDE (null unless <see cref="Kind"/> is VpSde).</summary>
    public VpSde? Vp { get; }

    /// <summary>What the EDM graph contains (meaningful for <see cref="OnnxScheduleKind.Edm"/> only).</summary>
    public EdmPreconditioning Edm { get; }

    /// <summary>How t between two table steps is handled (discrete clocks).</summary>
    public OnnxTimestepMapping Mapping { get; }

    /// <summary>Description for reports and manifests, e.g. "ddpm-linear(K=1000, β 0.0001→0.02), nearest step".</summary>
    public string Name { get; }

    /// <summary>The range of OU times the model represents without clamping: [t_0, t_{K−1}], [0, t(1)] or [0, ∞).</summary>
    public (double Min, double Max) Range => Kind switch
    {
        OnnxScheduleKind.VpSde => (0, Vp!.MaxTime),
        OnnxScheduleKind.Edm => (0, double.PositiveInfinity),
        _ => (Table!.MinTime, Table.MaxTime),
    };

    /// <summary>
    /// The evaluations behind D(x, t) and the OU time they represent (see <see cref="OnnxNoiseLevel"/>).
    /// Discrete, nearest: k = nearest step of t (clamped), fed k, time t_k. Discrete, interpolation: κ(t) =
    /// k + (t − t_k)/(t_{k+1} − t_k) on the clamped t; a float input gets κ and the time t; an integer input gets k and
    /// k + 1 with weights 1 − w and w, w = κ − k. VP-SDE: s(t) × scale, t clamped to t(1). EDM: σ(t) or ¼ ln σ(t).
    /// Range: t &gt; 0 finite.
    /// </summary>
    public OnnxNoiseLevel Map(double t)
    {
        OuTime.RequirePositive(t);
        switch (Kind)
        {
            case OnnxScheduleKind.VpSde:
            {
                double tc = Math.Min(t, Vp!.MaxTime);
                return new OnnxNoiseLevel(t, tc, [new OnnxEvaluation(Vp.FromTime(tc) * vpTimeScale, tc, 1)]);
            }
            case OnnxScheduleKind.Edm:
            {
                double sigma = EdmSigma.FromTime(t);
                double value = Edm == EdmPreconditioning.Denoiser ? sigma : 0.25 * Math.Log(sigma);
                return new OnnxNoiseLevel(t, t, [new OnnxEvaluation(value, t, 1)]);
            }
        }
        var table = Table!;
        if (Mapping == OnnxTimestepMapping.Nearest)
        {
            int k = table.NearestStep(t);
            return new OnnxNoiseLevel(t, table.Time(k), [new OnnxEvaluation(k, table.Time(k), 1)]);
        }
        double clamped = Math.Clamp(t, table.MinTime, table.MaxTime);
        double kappa = table.FractionalStep(clamped);
        if (!integerInput) return new OnnxNoiseLevel(t, clamped, [new OnnxEvaluation(kappa, clamped, 1)]);
        int lo = (int)Math.Floor(kappa);
        double w = kappa - lo;
        if (w == 0 || lo == table.Steps - 1) return new OnnxNoiseLevel(t, clamped, [new OnnxEvaluation(lo, table.Time(lo), 1)]);
        return new OnnxNoiseLevel(t, clamped, [new OnnxEvaluation(lo, table.Time(lo), 1 - w), new OnnxEvaluation(lo + 1, table.Time(lo + 1), w)]);
    }
}
