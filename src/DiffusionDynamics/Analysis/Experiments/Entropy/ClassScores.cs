using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// The class-conditional scores of <c>entropy</c> and <c>guide</c>: the denoiser (exact per-class scores, or a model pair), its name in
/// reports, the two-class closed-form model where one applies, the class priors and names.
/// </summary>
public sealed record ClassScores(IDenoiser Denoiser, string Name, TwoClassModel? Model, IReadOnlyList<double>? Priors, IReadOnlyList<string>? ClassNames) : IDisposable
{
    /// <summary>Data for class posteriors: labelled, with at least two classes (one-line errors naming the labels option).</summary>
    public static void CheckLabelled(Dataset data)
    {
        if (data.Labels is null) throw OptionMessage.Argument($"{data.Name} has no labels (give {{Labels}} FILE or labelled data).", "Labels");
        if (data.Classes().Length < 2) throw OptionMessage.Argument($"{data.Name} has one class only ({data.Classes()[0]}): class posteriors need ≥ 2 classes.", "Labels");
    }

    /// <summary>The class names of the built-in ten-class data; null for other data.</summary>
    public static IReadOnlyList<string>? NamesOf(Dataset data) => data.Name == BuiltinFashion10.Name ? BuiltinFashion10.ClassNames : null;

    /// <summary>Builds the scores; data need labels and ≥ 2 classes.</summary>
    public static ClassScores Exact(string score, string precision, Dataset data, SyntheticData? truth)
    {
        CheckLabelled(data);
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

    /// <summary>
    /// The per-class models of "c=PATH,c=PATH,…": every class of <paramref name="classes"/> exactly once (errors name the class-models option).
    /// </summary>
    public static IReadOnlyDictionary<int, string> ParseClassModels(string text, IReadOnlyList<int> classes, string dataName)
    {
        var paths = new Dictionary<int, string>();
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || !int.TryParse(item[..eq], out int c) || eq == item.Length - 1)
                throw OptionMessage.Argument($"{{ClassModels}} expects c=PATH,c=PATH,... or PATH.onnx, got '{item}'.", "ClassModels");
            if (!classes.Contains(c)) throw OptionMessage.Argument($"{{ClassModels}} names class {c}, absent from {dataName} (classes: {string.Join(", ", classes)}).", "ClassModels");
            if (!paths.TryAdd(c, item[(eq + 1)..])) throw OptionMessage.Argument($"{{ClassModels}} names class {c} twice.", "ClassModels");
        }
        var missing = classes.Where(c => !paths.ContainsKey(c)).ToArray();
        if (missing.Length > 0) throw OptionMessage.Argument($"{{ClassModels}} has no model for class {string.Join(", ", missing)} of {dataName}.", "ClassModels");
        return paths;
    }

    /// <summary>Releases the scores.</summary>
    public void Dispose() => (Denoiser as IDisposable)?.Dispose();
}
