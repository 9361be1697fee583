using System.CommandLine;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>The options of <c>entropy</c> and <c>guide</c> that choose their class-conditional scores (<see cref="ClassScores"/>), and the model pairs built from them.</summary>
public static class ClassScoreOptions
{
    /// <summary>The --score option: auto | empirical | gaussian | mixture.</summary>
    public static Option<string> ScoreOption() 
    {
        var score = new Option<string>("--score")
        {
            Description = "Class-conditional exact scores: auto (two-cluster model for two-cluster data, else empirical) | empirical (per-class empirical) | gaussian (one Gaussian per class) | mixture (a Gaussian mixture per class).",
            DefaultValueFactory = _ => "auto",
        };
        score.AcceptOnlyFromAmong("auto", "empirical", "gaussian", "mixture");
        return score;
    }

    /// <summary>The --precision option of the empirical scores.</summary>
    public static Option<string> PrecisionOption()
    {
        var precision = new Option<string>("--precision") { Description = "auto | float32 | float64 arithmetic of the empirical scores. auto: float64 when n·d ≤ 10⁶, else float32.", DefaultValueFactory = _ => "auto" };
        precision.AcceptOnlyFromAmong("auto", "float32", "float64");
        return precision;
    }

    /// <summary>The --class-models option: the class-conditional D_c given as models (see <see cref="FromModels"/>).</summary>
    public static Option<string?> ClassModelsOption() => new("--class-models")
    {
        Description = "Class-conditional models D_c instead of exact scores: c=DIR,c=DIR,... (trained folders, e.g. from diffdyn train --classes c, " +
                      "or .onnx files), or one class-conditional graph PATH.onnx read with label c fed to --class-input for each class c of the data. " +
                      "The unconditional D is --model (a trained folder of all the data, or an .onnx file), or with one graph its --null-label.",
    };

    /// <summary>The --null-label option (classifier-free guidance's unconditional token of a class-conditional graph).</summary>
    public static Option<int?> NullLabelOption() => new("--null-label")
    {
        Description = "With --class-models PATH.onnx and no --model: the label that makes the graph unconditional (classifier-free guidance's null label), D = the graph with this label.",
    };

    /// <summary>
    /// D and D_c from models (<see cref="ClassConditionalPair"/>): <paramref name="model"/> = D (trained folder of the whole data or .onnx), 
    /// <paramref name="classModels"/> = "c=PATH,…" (a trained folder of class c's items, or an .onnx file, per class) or one "PATH.onnx" whose
    /// class-label input (--class-input) takes each class of the data; without <paramref name="model"/>, D is that graph with <paramref name="nullLabel"/>.
    /// Every model comes from the one factory (<see cref="DenoiserChoice.Create(DenoiserSpec, Dataset, SyntheticData?)"/>).
    /// </summary>
    public static ClassScores FromModels(string? model, string? classModels, int? nullLabel, Dataset data)
    {
        ClassScores.CheckLabelled(data);
        var classes = data.Classes();
        if (string.IsNullOrWhiteSpace(classModels))
            throw new ArgumentException("--model gives the unconditional D only: give the class-conditional models too (--class-models c=DIR,... or --class-models PATH.onnx).");
        var built = new List<IDenoiser>();
        try
        {
            var perClass = new Dictionary<int, IDenoiser>();
            IDenoiser? unconditional = null;
            string text = classModels.Trim();
            if (OnnxModelOptionsCli.IsOnnx(text) && !text.Contains('='))
            {
                foreach (int c in classes) perClass[c] = Keep(built, DenoiserChoice.Create(LabelledGraph(text, c), data));
                if (model is null)
                {
                    if (nullLabel is not int nl) throw new ArgumentException("--class-models PATH.onnx needs the unconditional D: --model PATH or --null-label N.");
                    unconditional = Keep(built, DenoiserChoice.Create(LabelledGraph(text, nl), data));
                }
            }
            else
            {
                if (nullLabel is not null) throw new ArgumentException("--null-label applies only to one class-conditional graph (--class-models PATH.onnx).");
                foreach (var (c, path) in ClassScores.ParseClassModels(text, classes, data.Name))
                    perClass[c] = Keep(built, DenoiserChoice.Create(DenoiserChoice.ModelSpec(path), OnnxModelOptionsCli.IsOnnx(path) ? data : ClassConditional.Subset(data, c)));
                if (model is null) throw new ArgumentException("--class-models c=PATH,... needs the unconditional D: --model PATH.");
            }
            unconditional ??= Keep(built, DenoiserChoice.Create(DenoiserChoice.ModelSpec(model!), data));
            string name = model is null ? $"class-conditional graph {Path.GetFileName(text)} (D: null label {nullLabel})"
                : $"models: D = {Path.GetFileName(model.TrimEnd('/'))}, D_c = {text}";
            return new ClassScores(new ClassConditionalPair(unconditional, perClass, name), name, null, null, ClassScores.NamesOf(data));
        }
        catch
        {
            foreach (var d in built) (d as IDisposable)?.Dispose();
            throw;
        }
    }

    private static IDenoiser Keep(List<IDenoiser> built, IDenoiser d)
    {
        built.Add(d);
        return d;
    }

    /// <summary>The imported spec of a class-conditional graph with <paramref name="label"/> fed to its class input (--class-input).</summary>
    private static DenoiserSpec LabelledGraph(string path, int label)
    {
        var p = OnnxModelOptionsCli.Invocation;
        var options = OnnxModelOptionsCli.Options(path, p);
        string input = p is not null && p.CommandResult.Command.Options.Any(o => o.Name == "--class-input") ? p.GetValue<string>("--class-input") ?? "class_labels" : "class_labels";
        var extra = new Dictionary<string, double[]>(options.ExtraInputs, StringComparer.Ordinal) { [input] = [label] };
        return DenoiserSpec.Imported(options with { ExtraInputs = extra });
    }

}

/// <summary>Models given on the command line instead of exact scores: --model (D), --class-models (D_c), --null-label.</summary>
public sealed record ClassModelRequest(string? Model, string? ClassModels, int? NullLabel)
{
    /// <summary>True when any of the three was given.</summary>
    public bool IsGiven => Model is not null || ClassModels is not null || NullLabel is not null;
}
