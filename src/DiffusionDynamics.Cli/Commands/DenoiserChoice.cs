using System.CommandLine;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Where a command's score comes from.</summary>
public enum ScoreSource
{
    /// <summary>The exact empirical score of the training set.</summary>
    Empirical,
    /// <summary>The exact score of the data's Gaussian N(m, C).</summary>
    Gaussian,
    /// <summary>A trained model folder (<c>--model DIR</c>).</summary>
    Trained,
}

/// <summary>A denoiser chosen by <see cref="DenoiserChoice.Create"/>; disposing it releases what was built.</summary>
public sealed class ChosenDenoiser(IDenoiser denoiser) : IDisposable
{
    /// <summary>The denoiser.</summary>
    public IDenoiser Denoiser { get; } = denoiser;

    /// <inheritdoc />
    public void Dispose() => (Denoiser as IDisposable)?.Dispose();
}

/// <summary>A model given with <c>--model</c> (a trained folder or an ONNX file) as one disposable denoiser; forwards every capability.</summary>
public sealed class ModelDenoiser(IDenoiser model) : DenoiserDecorator(model), IDisposable
{
    /// <inheritdoc />
    public void Dispose() => (Inner as IDisposable)?.Dispose();
}

/// <summary>
/// The one seam where commands choose their denoiser: the exact empirical score of the training set, or a trained model
/// folder (<c>--model DIR</c>) whose stored data request is the default data. Every denoiser comes from the library's one factory
/// (<see cref="Denoisers.Factory"/>) with a <see cref="DenoiserSpec"/>; no command builds a denoiser of its own.
/// </summary>
public static class DenoiserChoice
{
    /// <summary>The <c>--model DIR</c> option: "A trained model folder (from diffdyn train) " followed by <paramref name="use"/>.</summary>
    public static Option<string?> ModelOption(string use) => new("--model") { Description = $"A trained model folder (from diffdyn train){(use.StartsWith(':') ? "" : " ")}{use}" };

    /// <summary>The data of a run: the model's own training set when <paramref name="modelDir"/> is given and no data option was, else the command line's.</summary>
    public static DataRequest Request(ParseResult p, CommonOptions common, string? modelDir)
    {
        var request = common.DataRequest(p);
        return modelDir is not null && !OnnxModelOptionsCli.IsOnnx(modelDir) && !DataGiven(p, common) ? TrainedModel.DataRequestOf(modelDir) : request;
    }

    /// <summary>True when any data option was given on the command line.</summary>
    public static bool DataGiven(ParseResult p, CommonOptions common) =>
        new Option[] { common.Data, common.Labels, common.Classes, common.Count, common.Downsample }.Any(o => p.GetResult(o) is { Implicit: false });

    /// <summary>The trained model of <paramref name="modelDir"/> checked against <paramref name="data"/>, or null without a folder.</summary>
    public static ModelDenoiser? Trained(string? modelDir, Dataset data) => modelDir is null ? null : new(OnnxModelOptionsCli.IsOnnx(modelDir) ? Create(ModelSpec(modelDir), data) : TrainedModel.Load(modelDir, data));

    /// <summary>The spec of a <c>--model</c> value: an imported ONNX model for a path ending in .onnx (with the ONNX options of the command line), else a trained folder.</summary>
    public static DenoiserSpec ModelSpec(string model) => OnnxModelOptionsCli.IsOnnx(model) ? OnnxModelOptionsCli.Spec(model) : DenoiserSpec.Trained(model);

    /// <summary>The denoiser of <paramref name="spec"/> for <paramref name="data"/>, from the one factory (<see cref="Denoisers.Factory"/>).</summary>
    public static IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth = null) => Denoisers.Factory.Create(spec, data, truth);

    /// <summary>The spec of <paramref name="source"/>.</summary>
    public static DenoiserSpec SpecOf(ScoreSource source, Precision precision, string? modelDir = null,
        double pruneTolerance = 0) => source switch
    {
        ScoreSource.Trained => ModelSpec(modelDir ?? throw new ArgumentException("A trained score needs a model folder (--model DIR).")),
        ScoreSource.Gaussian => DenoiserSpec.Gaussian(),
        _ => DenoiserSpec.Empirical(precision, pruneTolerance),
    };

    /// <summary>The denoiser of <paramref name="source"/> for <paramref name="data"/> (a trained model is checked against the data).</summary>
    public static ChosenDenoiser Create(ScoreSource source, Dataset data, Precision precision, string? modelDir = null,
        double pruneTolerance = 0) =>
        new(Create(SpecOf(source, precision, modelDir, pruneTolerance), data));

    /// <summary>The exact population score where the generator has one (two-cluster, Gaussian).</summary>
    public static IDisposable Analytic(SyntheticData? truth, Dataset data) => truth is TwoClusterData or GaussianData
        ? (IDisposable)Create(DenoiserSpec.Analytic(), data, truth)
        : throw new ArgumentException($"--score analytic needs two-cluster or gaussian data (no closed-form score for {data.Name}).");

    public static string TruthName(SyntheticData? truth) => truth switch { TwoClusterData => "two-cluster", GaussianData => "Gaussian", _ => "synthetic" };
}
