using System.CommandLine;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// Options of the backward dynamics shared by the commands that generate: T, t_min, start rule, precision.
/// With <c>gaussianStarts</c> the start rule also offers teleport and Gaussian late start, with <c>--t-skip</c>.
/// </summary>
public sealed class DynamicsOptions(bool gaussianStarts = false)
{
    public Option<double> TMax { get; } = new("--t-max") { Description = "Start time T (OU).", DefaultValueFactory = _ => 10.0 };

    public Option<double> TMin { get; } = new("--t-min") { Description = "Last grid time t_min > 0 (OU); samples end with D(x(t_min), t_min).", DefaultValueFactory = _ => 1e-3 };

    public Option<string> Start { get; } = new("--start")
    {
        Description = gaussianStarts
            ? "noise: x(T) ~ N(0, I) | marginal: exact draw from P_T of the data | teleport: x(T) ~ N(0, I), closed-form Gaussian PF-ODE jump to --t-skip " +
              "| gaussian: x(t_skip) ~ N(e^{-t} m, e^{-2t} C + Δ_t I) of the data's Gaussian. With teleport/gaussian only the grid steps below t_skip run."
            : "noise: x(T) ~ N(0, I) | marginal: exact draw from P_T of the data (unbiased at small T).",
        DefaultValueFactory = _ => "noise",
    };

    public Option<double?> TSkip { get; } = new("--t-skip") { Description = "OU time t_skip in (t_min, T] where teleport / gaussian hand over to the sampler (required with them)." };

    public Option<string> Precision { get; } = new("--precision") { Description = "float32 | float64 arithmetic of the empirical score.", DefaultValueFactory = _ => "float32" };

    public Option<double> PruneTolerance { get; } = new("--prune-tolerance")
    {
        Description = "Certified pruning of the empirical score (n ≥ 4096): at most this share of each sample's posterior mass is dropped, e.g. 1e-7. " +
                      "0: the dense posterior, bit for bit.",
        DefaultValueFactory = _ => 0.0,
    };

    public void AddTo(Command command)
    {
        if (gaussianStarts) Start.AcceptOnlyFromAmong("noise", "marginal", "teleport", "gaussian");
        else Start.AcceptOnlyFromAmong("noise", "marginal");
        Precision.AcceptOnlyFromAmong("float32", "float64");
        foreach (var o in new[] { TMax, TMin }) CommonOptions.Positive(o);
        OptionChecks.Describe(TSkip, "a finite number > 0");
        OptionChecks.Describe(PruneTolerance, "a number in [0, 1)");
        PruneTolerance.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() is >= 0 and < 1)) r.AddError("--prune-tolerance must lie in [0, 1)."); });
        foreach (var o in new Option[] { TMax, TMin, Start, Precision, PruneTolerance }) command.Options.Add(o);
        if (!gaussianStarts) return;
        command.Options.Add(TSkip);
        command.Validators.Add(r =>
        {
            string start = r.GetValue(Start) ?? "noise";
            double? tSkip = r.GetValue(TSkip);
            bool needsSkip = start is "teleport" or "gaussian";
            if (needsSkip && tSkip is null) r.AddError($"--start {start} needs --t-skip.");
            else if (!needsSkip && tSkip is not null) r.AddError($"--t-skip applies only to --start teleport|gaussian, not {start}.");
            else if (tSkip is { } ts && (!double.IsFinite(ts) || ts <= 0)) r.AddError($"--t-skip must be finite and > 0 (got {ts}).");
            // The range t_min < t_skip ≤ T is checked with the other options (StartOptions.Validate).
        });
    }

    public StartKind StartRule(ParseResult p) => p.GetValue(Start) == "marginal" ? StartKind.ForwardMarginal : StartKind.Noise;

    /// <summary>The full start rule (teleport / gaussian with t_skip) for the commands built with gaussianStarts.</summary>
    public StartOptions StartOptionsOf(ParseResult p) => p.GetValue(Start) switch
    {
        "marginal" => new StartOptions(StartKind.ForwardMarginal),
        "teleport" => new StartOptions(StartKind.Teleport, p.GetValue(TSkip)),
        "gaussian" => new StartOptions(StartKind.GaussianLateStart, p.GetValue(TSkip)),
        _ => StartOptions.Noise,
    };

    /// <summary>The empirical score's certified pruning tolerance (0: dense).</summary>
    public double PruneToleranceOf(ParseResult p) => p.GetValue(PruneTolerance);

    public Precision PrecisionOf(ParseResult p) => p.GetValue(Precision) == "float64" ? Scores.Precision.Float64 : Scores.Precision.Float32;
}
