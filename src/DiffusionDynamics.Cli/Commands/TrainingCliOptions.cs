using System.CommandLine;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Options of network training shared by <c>train</c> and <c>memorization</c>.</summary>
public sealed class TrainingCliOptions
{
    public Option<int> Steps { get; } = new("--steps") { Description = "Optimizer steps per model.", DefaultValueFactory = _ => 3000 };
    public Option<int> Batch { get; } = new("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 128 };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3 };
    public Option<double> Ema { get; } = new("--ema") { Description = "EMA decay of the weights used for sampling.", DefaultValueFactory = _ => 0.999 };
    public Option<string> TimeSampling { get; } = new("--time-sampling") { Description = "log-uniform | uniform: distribution of training times on [t-min, t-max].", DefaultValueFactory = _ => "log-uniform" };
    public Option<string> Weighting { get; } = new("--weighting") { Description = "epsilon: MSE on ε (weight 1) | score: MSE on the score (weight 1/Δ_t).", DefaultValueFactory = _ => "epsilon" };
    public Option<string> Network { get; } = new("--network") { Description = "auto (U-Net for images, MLP otherwise) | mlp | unet.", DefaultValueFactory = _ => "auto" };
    public Option<int> Width { get; } = new("--width") { Description = "MLP hidden width.", DefaultValueFactory = _ => 256 };
    public Option<int> Depth { get; } = new("--depth") { Description = "MLP hidden layers.", DefaultValueFactory = _ => 3 };
    public Option<int> Channels { get; } = new("--channels") { Description = "U-Net base channels (16: 127k parameters, 32: 497k).", DefaultValueFactory = _ => 16 };
    public Option<bool> Attention { get; } = new("--attention") { Description = "One self-attention block at the U-Net's lowest resolution." };
    public Option<int> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Steps between checkpoints.", DefaultValueFactory = _ => 500 };
    public Option<bool> Resume { get; } = new("--resume") { Description = "Continue the run in --out from its checkpoints (same options)." };
    public Option<double> TMin { get; } = new("--t-min") { Description = "Smallest training time and last sampling time (OU).", DefaultValueFactory = _ => 1e-3 };
    public Option<double> TMax { get; } = new("--t-max") { Description = "Largest training time and sampling start T (OU).", DefaultValueFactory = _ => 10.0 };

    /// <summary>
    /// Training defaults to images downsampled ×2 (28×28 → 14×14) unless --downsample is given: on 2 CPU cores the
    /// default U-Net trains about 4× faster there (bench/), which is what lets the default run finish in 15 minutes.
    /// </summary>
    public static DataRequest WithDefaultResolution(DataRequest request, bool downsampleGiven)
    {
        if (downsampleGiven) return request;
        var probe = request.Load();
        return probe.IsImage && probe.ItemShape[1] >= 28 && probe.ItemShape[1] % 2 == 0 && probe.ItemShape[2] % 2 == 0
            ? request with { Downsample = 2 }
            : request;
    }

    public void AddTo(Command command)
    {
        TimeSampling.AcceptOnlyFromAmong("log-uniform", "uniform");
        Weighting.AcceptOnlyFromAmong("epsilon", "score");
        Network.AcceptOnlyFromAmong("auto", "mlp", "unet");
        foreach (var o in new Option[] { Steps, Batch, LearningRate, Ema, TimeSampling, Weighting, Network, Width, Depth, Channels, Attention, CheckpointEvery, Resume, TMin, TMax })
            command.Options.Add(o);
        foreach (var o in new[] { Steps, Batch, Width, Depth, Channels, CheckpointEvery }) CommonOptions.AtLeast(o, 1);
        foreach (var o in new[] { LearningRate, TMin, TMax }) CommonOptions.Positive(o);
        OptionChecks.Describe(Ema, "a number in [0, 1)");
        Ema.Validators.Add(r => { double v = r.GetValueOrDefault<double>(); if (!(v >= 0 && v < 1)) r.AddError("--ema must lie in [0, 1)."); });
    }

    public TrainingOptions Training(ParseResult p, long seed)
    {
        var options = new TrainingOptions(
            Steps: p.GetValue(Steps), BatchSize: p.GetValue(Batch), LearningRate: p.GetValue(LearningRate), EmaDecay: p.GetValue(Ema),
            TimeSampling: p.GetValue(TimeSampling) == "uniform" ? Neural.TimeSampling.Uniform : Neural.TimeSampling.LogUniform,
            TMin: p.GetValue(TMin), TMax: p.GetValue(TMax),
            Weighting: p.GetValue(Weighting) == "score" ? LossWeighting.Score : LossWeighting.Epsilon,
            CheckpointEvery: p.GetValue(CheckpointEvery), Seed: seed);
        options.Validate();
        return options;
    }

    /// <summary>The network for a dataset: the defaults for its item shape, with the kind and sizes given on the command line.</summary>
    public Func<Dataset, NetworkOptions> NetworkFor(ParseResult p)
    {
        string kind = p.GetValue(Network) ?? "auto";
        int width = p.GetValue(Width), depth = p.GetValue(Depth), channels = p.GetValue(Channels);
        bool attention = p.GetValue(Attention);
        return data =>
        {
            var auto = NetworkOptions.DefaultFor(data.ItemShape);
            var chosen = kind switch
            {
                "mlp" => auto with { Kind = NetworkKind.Mlp },
                "unet" => auto with { Kind = NetworkKind.UNet },
                _ => auto,
            };
            chosen = chosen with { Width = width, Depth = depth, Channels = channels, Attention = attention };
            chosen.Validate();
            return chosen;
        };
    }
}
