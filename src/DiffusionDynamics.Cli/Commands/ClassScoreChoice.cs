using System.CommandLine;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>The exact class-conditional scores of <c>entropy</c> and <c>guide</c>: which source, built from the data (and the generator's truth).</summary>
public sealed record ClassScores(IDenoiser Denoiser, string Name, TwoClassModel? Model, IReadOnlyList<double>? Priors, IReadOnlyList<string>? ClassNames) : IDisposable
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

    /// <summary>Builds the scores; data need labels and ≥ 2 classes.</summary>
    public static ClassScores Create(string score, string precision, Dataset data, SyntheticData? truth)
    {
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels (give --labels FILE or labelled data).");
        if (data.Classes().Length < 2) throw new ArgumentException($"{data.Name} has one class only ({data.Classes()[0]}): class posteriors need ≥ 2 classes.");
        var names = data.Name == BuiltinFashion10.Name ? BuiltinFashion10.ClassNames : null;
        if (score == "auto" && truth is TwoClusterData tc)
        {
            double norm = Math.Sqrt(tc.M.Sum(v => v * v));
            using var m = torch.tensor(tc.M);
            return new ClassScores(ClassConditionalDensities.TwoCluster(m, tc.Spec.Sigma), "two-cluster model (exact)",
                new TwoClassModel(norm, tc.Spec.Sigma, $"two-cluster |m| = {norm:G4}, σ = {tc.Spec.Sigma:G4}"), [0.5, 0.5], null);
        }
        if (score is "gaussian") return new ClassScores(ClassConditionalDensities.Gaussian(data), "Gaussian per class", null, null, names);
        if (score is "mixture") return new ClassScores(ClassConditionalDensities.Mixture(data), "Gaussian mixture per class", null, null, names);
        var prec = precision switch
        {
            "float32" => Precision.Float32,
            "float64" => Precision.Float64,
            _ => (long)data.Count * data.Dimension <= 1_000_000 ? Precision.Float64 : Precision.Float32,
        };
        // Two symmetric points ±a in one dimension: the binary-channel closed form applies.
        TwoClassModel? model = null;
        if (data.Dimension == 1 && data.Count == 2 && Math.Abs(data.Values[0] + data.Values[1]) < 1e-12 && data.Values[0] != 0)
            model = new TwoClassModel(Math.Abs(data.Values[0]), 0, $"two points ±{Math.Abs(data.Values[0]):G4}");
        return new ClassScores(new ClassConditionalEmpirical(data, new EmpiricalDenoiserOptions(prec)), $"per-class empirical ({prec.ToString().ToLowerInvariant()})", model, null, names);
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
        if (data.Labels is null) throw new ArgumentException($"{data.Name} has no labels (give --labels FILE or labelled data).");
        var classes = data.Classes();
        if (classes.Length < 2) throw new ArgumentException($"{data.Name} has one class only ({classes[0]}): class posteriors need ≥ 2 classes.");
        var names = data.Name == BuiltinFashion10.Name ? BuiltinFashion10.ClassNames : null;
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
                foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    int eq = item.IndexOf('=');
                    if (eq <= 0 || !int.TryParse(item[..eq], out int c) || eq == item.Length - 1)
                        throw new ArgumentException($"--class-models expects c=PATH,c=PATH,... or PATH.onnx, got '{item}'.");
                    if (!classes.Contains(c)) throw new ArgumentException($"--class-models names class {c}, absent from {data.Name} (classes: {string.Join(", ", classes)}).");
                    if (perClass.ContainsKey(c)) throw new ArgumentException($"--class-models names class {c} twice.");
                    string path = item[(eq + 1)..];
                    var subset = ClassConditional.Subset(data, c);
                    perClass[c] = Keep(built, DenoiserChoice.Create(DenoiserChoice.ModelSpec(path), OnnxModelOptionsCli.IsOnnx(path) ? data : subset));
                }
                var missing = classes.Where(c => !perClass.ContainsKey(c)).ToArray();
                if (missing.Length > 0) throw new ArgumentException($"--class-models has no model for class {string.Join(", ", missing)} of {data.Name}.");
                if (model is null) throw new ArgumentException("--class-models c=PATH,... needs the unconditional D: --model PATH.");
            }
            unconditional ??= Keep(built, DenoiserChoice.Create(DenoiserChoice.ModelSpec(model!), data));
            string name = model is null ? $"class-conditional graph {Path.GetFileName(text)} (D: null label {nullLabel})"
                : $"models: D = {Path.GetFileName(model.TrimEnd('/'))}, D_c = {text}";
            return new ClassScores(new ClassConditionalPair(unconditional, perClass, name), name, null, null, names);
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

    /// <summary>Releases the scores.</summary>
    public void Dispose() => (Denoiser as IDisposable)?.Dispose();
}

/// <summary>Models given on the command line instead of exact scores: --model (D), --class-models (D_c), --null-label.</summary>
public sealed record ClassModelRequest(string? Model, string? ClassModels, int? NullLabel)
{
    /// <summary>True when any of the three was given.</summary>
    public bool IsGiven => Model is not null || ClassModels is not null || NullLabel is not null;
}
