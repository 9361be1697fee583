namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// How an imported model's clock met the OU times of one run (docs/theory.md §9): the model's own range, and over the times the run
/// actually asked for, the mapping error |Δt| = |t_represented − t| (<see cref="OnnxNoiseLevel.TimeError"/>) — nearest-step rounding,
/// or clamping to the clock's range. Written in manifest.json ("modelClocks") and as a section of every report.
/// </summary>
/// <param name="Model">The model: file, inputs, prediction, clock (<see cref="OnnxDenoiser.Describe"/>).</param>
/// <param name="Mapping">How t reaches the model: nearest step, interpolation, or a continuous clock.</param>
/// <param name="ClockMin">Smallest OU time the clock represents (t_0 = −½ ln ᾱ_0 for a table).</param>
/// <param name="ClockMax">Largest OU time the clock represents (∞ for EDM σ); above it the model gets its last level.</param>
/// <param name="Evaluations">D(x, t) calls of the run (each one batch at one t).</param>
/// <param name="TMin">Smallest t asked for.</param>
/// <param name="TMax">Largest t asked for.</param>
/// <param name="MaxTimeError">Largest |Δt| over the calls.</param>
/// <param name="WorstTime">A t where it occurred.</param>
/// <param name="MeanTimeError">Mean |Δt| over the calls.</param>
/// <param name="MaxRelativeError">Largest |Δt|/t over the calls (the error that matters at small t, where the steps are coarse relative to t).</param>
/// <param name="OutOfRange">Calls whose t lay outside [ClockMin, ClockMax] (clamped: the model answered at the end of its range).</param>
/// <param name="MaxInRangeError">Largest |Δt| over the calls inside [ClockMin, ClockMax]: the rounding of the mapping alone (at most half
/// the local step for the nearest step, 0 for interpolation and the continuous clocks).</param>
public sealed record ModelClockUse(string Model, string Mapping, double ClockMin, double ClockMax, long Evaluations, double TMin, double TMax,
    double MaxTimeError, double WorstTime, double MeanTimeError, double MaxRelativeError, long OutOfRange, double MaxInRangeError);

/// <summary>
/// The imported models of one run and their clock use: a run (e.g. one command-line invocation) opens a log with <see cref="Begin"/>;
/// every <see cref="OnnxDenoiser"/> built in that flow (including work it starts on other threads) joins it and records each t it is
/// asked for, so the report writer can show the time-mapping error of any run on an ONNX model without the analysis passing it on.
/// Thread-safe. Outside a log, nothing is recorded.
/// </summary>
public sealed class ModelClockLog
{
    private static readonly AsyncLocal<ModelClockLog?> CurrentLog = new();
    private readonly object gate = new();
    private readonly List<Usage> models = [];

    /// <summary>The log of the running flow, or null.</summary>
    public static ModelClockLog? Current => CurrentLog.Value;

    /// <summary>Opens a new log for the running flow (replacing any); it stays current for the rest of the flow and what it starts.</summary>
    public static ModelClockLog Begin() => CurrentLog.Value = new ModelClockLog();

    /// <summary>The use of each model (one entry per model file and clock, in the order they were built); empty when none was.</summary>
    public IReadOnlyList<ModelClockUse> Summaries()
    {
        lock (gate)
            return models.GroupBy(u => (u.Model.Options.ModelPath, u.Model.Clock.Name)).Select(g => Merge(g.ToList())).Where(s => s is not null).Select(s => s!).ToList();
    }

    /// <summary>Starts recording the calls of <paramref name="model"/> into this log; returns the recorder the model reports to.</summary>
    internal Usage Join(OnnxDenoiser model)
    {
        var usage = new Usage(model);
        lock (gate) models.Add(usage);
        return usage;
    }

    private static ModelClockUse? Merge(IReadOnlyList<Usage> list)
    {
        var used = list.Where(u => u.Calls > 0).ToList();
        var model = list[0].Model;
        var (lo, hi) = model.Clock.Range;
        string mapping = model.Clock.Kind is OnnxScheduleKind.VpSde or OnnxScheduleKind.Edm ? "continuous clock" : model.Clock.Mapping == OnnxTimestepMapping.Nearest ? "nearest step" : "interpolation";
        if (used.Count == 0) return new ModelClockUse(model.Describe(), mapping, lo, hi, 0, double.NaN, double.NaN, 0, double.NaN, 0, 0, 0, 0);
        var worst = used.MaxBy(u => u.MaxError)!;
        long calls = used.Sum(u => u.Calls);
        return new ModelClockUse(model.Describe(), mapping, lo, hi, calls, used.Min(u => u.TMin), used.Max(u => u.TMax), worst.MaxError, worst.WorstTime,
            used.Sum(u => u.ErrorSum) / calls, used.Max(u => u.MaxRelative), used.Sum(u => u.OutOfRange), used.Max(u => u.MaxInRange));
    }

    /// <summary>The calls of one model: counts, range of t and the mapping error (aggregates only).</summary>
    internal sealed class Usage(OnnxDenoiser model)
    {
        private readonly object gate = new();

        public OnnxDenoiser Model { get; } = model;
        public long Calls { get; private set; }
        public long OutOfRange { get; private set; }
        public double TMin { get; private set; } = double.PositiveInfinity;
        public double TMax { get; private set; } = double.NegativeInfinity;
        public double MaxError { get; private set; }
        public double WorstTime { get; private set; } = double.NaN;
        public double ErrorSum { get; private set; }
        public double MaxRelative { get; private set; }
        public double MaxInRange { get; private set; }

        /// <summary>Records one call at <paramref name="level"/>.RequestedTime.</summary>
        public void Record(OnnxNoiseLevel level)
        {
            double t = level.RequestedTime, error = level.TimeError;
            var (lo, hi) = Model.Clock.Range;
            lock (gate)
            {
                Calls++;
                if (t < lo || t > hi) OutOfRange++;
                else MaxInRange = Math.Max(MaxInRange, error);
                TMin = Math.Min(TMin, t);
                TMax = Math.Max(TMax, t);
                ErrorSum += error;
                if (error > MaxError || double.IsNaN(WorstTime)) (MaxError, WorstTime) = (error, t);
                MaxRelative = Math.Max(MaxRelative, error / t);
            }
        }
    }
}
