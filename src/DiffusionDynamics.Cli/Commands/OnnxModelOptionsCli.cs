using System.CommandLine;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>
/// The options that say how to read an ONNX model given as <c>--model PATH.onnx</c> (detected by the extension), shared
/// by every command that takes <c>--model</c>: <see cref="AttachTo"/> adds the group to each of them once, when the command
/// tree is built, and <see cref="Spec"/> turns the parsed values into a <see cref="DenoiserSpec.Imported(OnnxModelOptions)"/>.
/// Defaults are diffusers' (inputs <c>sample</c>, <c>timestep</c>; an integer timestep means ε-prediction on the DDPM linear
/// schedule, K = 1000, β 1e−4 → 0.02). The parse of the running invocation is held per call flow (<see cref="Invocation"/>),
/// so <see cref="DenoiserChoice"/> needs no extra argument.
/// </summary>
public sealed class OnnxModelOptionsCli
{
    private static readonly AsyncLocal<ParseResult?> Current = new();
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Command, OnnxModelOptionsCli> Groups = new();

    public Option<string?> Prediction { get; } = new("--prediction")
    {
        Description = "ONNX model (--model PATH.onnx): what it predicts, epsilon | v | sample (x0). Default: a scheduler_config.json's prediction_type, else epsilon (sample on the edm clock).",
    };

    public Option<string?> Schedule { get; } = new("--schedule")
    {
        Description = "ONNX model: its training clock, ddpm-linear | ddpm-cosine | vp | edm | FILE (.npy/.json beta or alpha-bar table, or a diffusers scheduler_config.json). Default: ddpm-linear for an integer timestep input; required for a float one.",
    };

    public Option<string> SampleInput { get; } = new("--sample-input") { Description = "ONNX model: name of the noisy-sample input.", DefaultValueFactory = _ => OnnxModelOptions.DefaultSampleInput };

    public Option<string> TimestepInput { get; } = new("--timestep-input") { Description = "ONNX model: name of the noise-level input (step, VP time or sigma).", DefaultValueFactory = _ => OnnxModelOptions.DefaultTimestepInput };

    public Option<string?> ModelOutput { get; } = new("--model-output") { Description = "ONNX model: name of the output to read (default: the first)." };

    public Option<int?> ClassLabel { get; } = new("--class-label") { Description = "ONNX model: a fixed class label fed to --class-input (the class-conditional D_y)." };

    public Option<string> ClassInput { get; } = new("--class-input") { Description = "ONNX model: name of the class-label input.", DefaultValueFactory = _ => "class_labels" };

    public Option<string[]> ExtraInput { get; } = new("--extra-input")
    {
        Description = "ONNX model: a further fixed input, NAME=V[,V...] (one value fills the input; else one item's values). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string> Mapping { get; } = new("--timestep-mapping")
    {
        Description = "ONNX model on a discrete clock: how OU time t reaches it, nearest (step) | interpolate (mix of the two neighbouring steps, or a fractional float step). The represented-time error is reported.",
        DefaultValueFactory = _ => "nearest",
    };

    /// <summary>K of the DDPM tables: <c>--train-steps</c>, or <c>--model-train-steps</c> on a command whose <c>--train-steps</c> counts its own training steps (memory).</summary>
    public Option<int> TrainSteps { get; }

    private OnnxModelOptionsCli(string trainStepsName) =>
        TrainSteps = new(trainStepsName) { Description = "ONNX model: training steps K of ddpm-linear / ddpm-cosine.", DefaultValueFactory = _ => 1000 };

    public Option<double> BetaStart { get; } = new("--beta-start") { Description = "ONNX model: beta_0 of ddpm-linear.", DefaultValueFactory = _ => 1e-4 };

    public Option<double> BetaEnd { get; } = new("--beta-end") { Description = "ONNX model: beta_{K-1} of ddpm-linear.", DefaultValueFactory = _ => 0.02 };

    public Option<string?> ItemShape { get; } = new("--item-shape") { Description = "ONNX model: item shape d or C,H,W when the graph leaves it free (default: the data's)." };

    private IEnumerable<Option> All => [Prediction, Schedule, SampleInput, TimestepInput, ModelOutput, ClassLabel, ClassInput, ExtraInput, Mapping, TrainSteps, BetaStart, BetaEnd, ItemShape];

    /// <summary>True when <paramref name="path"/> names an ONNX file (<see cref="OnnxModelRequest.IsOnnx"/>).</summary>
    public static bool IsOnnx(string? path) => OnnxModelRequest.IsOnnx(path);

    /// <summary>The parse of the running invocation (set by <see cref="CliApp.Run"/>; null when a command is called directly).</summary>
    public static ParseResult? Invocation
    {
        get => Current.Value;
        set => Current.Value = value;
    }

    /// <summary>Adds the group to every command under <paramref name="root"/> that has a <c>--model</c> read through <see cref="DenoiserChoice"/>, and notes ONNX files in its help.</summary>
    public static void AttachTo(Command root)
    {
        foreach (var command in root.Subcommands)
        {
            if (command.Options.FirstOrDefault(o => o.Name == "--model") is not { } model) continue;
            model.Description += " Or an ONNX model file PATH.onnx (see --prediction, --schedule and the other ONNX options).";
            var group = new OnnxModelOptionsCli(command.Options.Any(o => o.Name == "--train-steps") ? "--model-train-steps" : "--train-steps");
            Groups.AddOrUpdate(command, group);
            foreach (var o in group.All) command.Options.Add(o);
            CommonOptions.AtLeast(group.TrainSteps, 2);
            group.Prediction.AcceptOnlyFromAmong("epsilon", "v", "sample");
            group.Mapping.AcceptOnlyFromAmong("nearest", "interpolate");
        }
    }

    /// <summary>
    /// The imported-model spec of <paramref name="modelPath"/> with the ONNX options of the running invocation (defaults when
    /// there is none). Throws <see cref="ArgumentException"/> naming the option for a malformed value.
    /// </summary>
    public static DenoiserSpec Spec(string modelPath) => DenoiserSpec.Imported(Options(modelPath, Invocation));

    /// <summary>The <see cref="OnnxModelOptions"/> of <paramref name="modelPath"/> from the ONNX options in <paramref name="p"/> (defaults where absent); the library parses the words.</summary>
    public static OnnxModelOptions Options(string modelPath, ParseResult? p)
    {
        if (p is null || !Groups.TryGetValue(p.CommandResult.Command, out var group)) return new OnnxModelOptions { ModelPath = modelPath };
        T? Get<T>(string name) => group.All.FirstOrDefault(o => o.Name == name) is Option<T> option ? p.GetValue(option) : default;
        return new OnnxModelRequest
        {
            Prediction = Get<string?>("--prediction"),
            Schedule = Get<string?>("--schedule"),
            SampleInput = Get<string>("--sample-input"),
            TimestepInput = Get<string>("--timestep-input"),
            Output = Get<string?>("--model-output"),
            Mapping = Get<string>("--timestep-mapping"),
            TrainSteps = p.GetValue(group.TrainSteps) is > 0 and var k ? k : null,
            BetaStart = Get<double>("--beta-start") is > 0 and var b0 ? b0 : null,
            BetaEnd = Get<double>("--beta-end") is > 0 and var b1 ? b1 : null,
            ItemShape = Get<string?>("--item-shape"),
            ClassLabel = Get<int?>("--class-label"),
            ClassInput = Get<string>("--class-input") ?? "class_labels",
            ExtraInputs = Get<string[]>("--extra-input") ?? [],
        }.ToOptions(modelPath);
    }
}
