using System.CommandLine;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Options of the backward dynamics shared by the commands that generate: T, t_min, start rule, precision.</summary>
public sealed class DynamicsOptions
{
    public Option<double> TMax { get; } = new("--t-max") { Description = "Start time T (OU).", DefaultValueFactory = _ => 10.0 };

    public Option<double> TMin { get; } = new("--t-min") { Description = "Last grid time t_min > 0 (OU); samples end with D(x(t_min), t_min).", DefaultValueFactory = _ => 1e-3 };

    public Option<string> Start { get; } = new("--start") { Description = "noise: x(T) ~ N(0, I) | marginal: exact draw from P_T of the data (unbiased at small T).", DefaultValueFactory = _ => "noise" };

    public Option<string> Precision { get; } = new("--precision") { Description = "float32 | float64 arithmetic of the empirical score.", DefaultValueFactory = _ => "float32" };

    public void AddTo(Command command)
    {
        Start.AcceptOnlyFromAmong("noise", "marginal");
        Precision.AcceptOnlyFromAmong("float32", "float64");
        foreach (var o in new[] { TMax, TMin })
            o.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!double.IsFinite(v) || v <= 0) r.AddError($"{o.Name} must be finite and > 0."); });
        foreach (var o in new Option[] { TMax, TMin, Start, Precision }) command.Options.Add(o);
    }

    public StartRule StartRule(ParseResult p) => p.GetValue(Start) == "marginal" ? Analysis.StartRule.ForwardMarginal : Analysis.StartRule.Noise;

    public Precision PrecisionOf(ParseResult p) => p.GetValue(Precision) == "float64" ? Scores.Precision.Float64 : Scores.Precision.Float32;
}
