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
        return new ClassScores(new ClassConditionalEmpirical(data, new EmpiricalDenoiserOptions(prec)), $"per-class empirical ({prec})", model, null, names);
    }

    /// <summary>Releases the scores.</summary>
    public void Dispose() => (Denoiser as IDisposable)?.Dispose();
}
