namespace DiffusionDynamics.Analysis;

/// <summary>One time on the timeline: a measurement with its error bar, beside its closed form.</summary>
/// <param name="Key">Stable identifier, e.g. "speciation.cloning", "mode.1".</param>
/// <param name="Label">What it is, e.g. "t_S (cloning)".</param>
/// <param name="Group">The regime or feature it belongs to: speciation, collapse, symmetry, modes, gaussian, classes.</param>
/// <param name="Measured">The measured OU time; null when it could not be measured (see <paramref name="Note"/>).</param>
/// <param name="Error">Its error bar (one standard error unless <paramref name="Method"/> says otherwise); null when none applies.</param>
/// <param name="Method">How it was measured and what the error bar is.</param>
/// <param name="Theory">The closed form it is compared with (OU time), or null.</param>
/// <param name="TheoryLabel">The closed form's formula, e.g. "½ ln Λ".</param>
/// <param name="Note">Why a value is missing, or a caveat.</param>
public sealed record TimelineEvent(string Key, string Label, string Group, double? Measured, double? Error, string Method,
    double? Theory, string? TheoryLabel, string? Note = null);

/// <summary>How an imported model's own clock meets the OU time axis of the run (<see cref="Scores.Onnx.OnnxDenoiser.Level"/>).</summary>
/// <param name="Description">The model: file, inputs, prediction, clock.</param>
/// <param name="ClockMin">Smallest OU time the model's clock represents.</param>
/// <param name="ClockMax">Largest OU time the model's clock represents (above it the model is fed its last level).</param>
/// <param name="MaxTimeError">Largest |t_represented − t| on 400 log-spaced times of [t_min, min(T, ClockMax)] (nearest-step rounding; 0 for interpolation).</param>
/// <param name="WorstTime">The time where it occurs.</param>
public sealed record TimelineModelClock(string Description, double ClockMin, double ClockMax, double MaxTimeError, double WorstTime);

/// <summary>The data of a timeline.</summary>
public sealed record TimelineData(string Name, int N, int D, double LambdaMax, bool Labelled, IReadOnlyList<string> Preprocessing);

/// <summary>Settings and per-stage timings of a timeline run.</summary>
public sealed record TimelineRun(long Seed, RegimesOptions Regimes, SymmetryBreakingOptions Symmetry, TrajectoriesOptions Modes,
    double ExplainedVarianceThreshold, int ExplainedVarianceSamples, int ExplainedVariancePoints,
    double RegimesSeconds, double SymmetrySeconds, double ModesSeconds, double ExplainedVarianceSeconds, double TotalSeconds,
    ClassEntropyOptions? Classes = null, double ClassesSeconds = 0);

/// <summary>
/// The regimes of one model or dataset on one OU time axis (<see cref="TimelineExperiment"/>): speciation, collapse, symmetry breaking,
/// per-mode emergence and the Gaussian hand-over, each measured with its error bar beside its closed form, and the full results of the
/// analyses it composed. Every figure is drawn from this record.
/// </summary>
/// <param name="Clock">"OU time t".</param>
/// <param name="Data">The data.</param>
/// <param name="Score">The score the trajectories ran with.</param>
/// <param name="Events">The times, in the order the backward process meets them is not implied: sort by <see cref="TimelineEvent.Measured"/> to read it so.</param>
/// <param name="Regimes">Full regimes result (cloning, excess entropy, nearest-point changes).</param>
/// <param name="Symmetry">Full symmetry-breaking result.</param>
/// <param name="HandOver">The explained-variance rule's hand-over time and EV curve.</param>
/// <param name="ModeEmergence">Per-mode emergence result.</param>
/// <param name="ModelClock">For an imported (ONNX) model: how its clock maps the OU axis and the mapping error; else null.</param>
/// <param name="ClassDecision">On labelled data with ≥ 2 classes: the class-entropy curve H(Y | X_t) along the score's trajectories (exact
/// class posterior of the data) whose rate peak is the "class decision" event; else null.</param>
/// <param name="NotCovered">Features of the timeline that this build does not measure, with the reason.</param>
/// <param name="Run">Settings and timings.</param>
public sealed record TimelineResult(string Clock, TimelineData Data, string Score, IReadOnlyList<TimelineEvent> Events,
    RegimesResult Regimes, SymmetryResult Symmetry, SkipTime HandOver, ModeEmergenceResult ModeEmergence,
    TimelineModelClock? ModelClock, IReadOnlyList<string> NotCovered, TimelineRun Run, ClassEntropyResult? ClassDecision = null);
