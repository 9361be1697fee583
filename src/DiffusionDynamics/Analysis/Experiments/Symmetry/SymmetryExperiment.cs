using System.Globalization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Analysis;

/// <summary>Which score the symmetry analysis studies when no trained model is given.</summary>
public enum SymmetryScore
{
    /// <summary>The exact empirical score of the data.</summary>
    Empirical,
    /// <summary>The exact score of the Gaussian fitted to the data (mean, covariance).</summary>
    Gaussian,
    /// <summary>The analytic two-cluster score (tanh); two-cluster data only.</summary>
    TwoCluster,
}

/// <summary>Settings of a symmetry-breaking run: the analysis, and which score it studies.</summary>
/// <param name="Analysis">Grid, drift, directions, Jacobian method (Raya &amp; Ambrogioni's defaults, <see cref="SymmetryBreakingOptions"/>).</param>
/// <param name="Score">The score when no trained model is given.</param>
/// <param name="Precision">Arithmetic of the empirical score; null: float64 (exact root finding) when n·d ≤ 10⁶, else float32.</param>
public sealed record SymmetryOptions(SymmetryBreakingOptions Analysis, SymmetryScore Score = SymmetryScore.Empirical, Precision? Precision = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Analysis);
        Analysis.Validate();
    }
}

/// <summary>What the symmetry analysis runs on.</summary>
/// <param name="Data">The data (n ≥ 2).</param>
/// <param name="Truth">The generator of synthetic data (its closed-form model is compared), else null.</param>
/// <param name="Model">A trained model to analyse instead of <see cref="SymmetryOptions.Score"/>, else null (not disposed here).</param>
/// <param name="ModelName">How the report names <paramref name="Model"/>.</param>
public sealed record SymmetryInputs(Dataset Data, SyntheticData? Truth = null, IDenoiser? Model = null, string? ModelName = null);

/// <summary>The score chosen for a run, its name, the closed-form model of the data and the arithmetic; disposes the score it built.</summary>
public sealed class SymmetrySetup : IDisposable
{
    internal SymmetrySetup(IDenoiser denoiser, bool owned, string scoreName, TwoClusterModel? model, Precision precision)
    {
        Denoiser = denoiser;
        Owned = owned;
        ScoreName = scoreName;
        Model = model;
        Precision = precision;
    }

    private bool Owned { get; }

    /// <summary>The score analysed.</summary>
    public IDenoiser Denoiser { get; }

    /// <summary>Its name in the report.</summary>
    public string ScoreName { get; }

    /// <summary>The closed-form model of the data (two symmetric points or the two-cluster model), else null.</summary>
    public TwoClusterModel? Model { get; }

    /// <summary>The arithmetic of the empirical score in force.</summary>
    public Precision Precision { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Owned) (Denoiser as IDisposable)?.Dispose();
    }
}

/// <summary>
/// Spontaneous symmetry breaking of the backward dynamics (Raya &amp; Ambrogioni, arXiv 2305.19693; docs/theory.md §5): chooses the
/// score (trained model, exact empirical, the data's Gaussian or the analytic two-cluster score), the arithmetic and the closed-form
/// model of the data, then runs <see cref="SymmetryBreakingAnalysis"/>.
/// </summary>
public static class SymmetryExperiment
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Chooses the score, the arithmetic and the closed-form model; throws <see cref="ArgumentException"/> when they do not fit the data.</summary>
    public static SymmetrySetup Prepare(SymmetryInputs inputs, SymmetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        options.Validate();
        var (data, truth) = (inputs.Data, inputs.Truth);
        if (data.Count < 2) throw new ArgumentException($"The symmetry analysis needs n ≥ 2 data points (got n = {data.Count}).");
        var model = ModelOf(truth);
        var precision = options.Precision ?? ((long)data.Count * data.Dimension <= 1_000_000 ? Precision.Float64 : Precision.Float32);
        if (inputs.Model is { } trained)
            return new SymmetrySetup(trained, false, inputs.ModelName ?? "trained model", model, precision);
        switch (options.Score)
        {
            case SymmetryScore.Gaussian:
                return new SymmetrySetup(GaussianDenoiser.FromData(data), true, "Gaussian fitted to the data (mean, covariance)", model, precision);
            case SymmetryScore.TwoCluster:
            {
                if (truth is not TwoClusterData tc) throw OptionMessage.Argument("{Score} two-cluster needs two-cluster data ({Data} two-cluster:d=..,n=..).", "Score", "Data");
                using var m = TorchSharp.torch.tensor(tc.M);
                return new SymmetrySetup(new TwoClusterDenoiser(m, tc.Spec.Sigma), true, "analytic two-cluster score (tanh)", model, precision);
            }
            default:
                if (model is not null && truth is TwoClusterData) model = model with { Label = model.Label + ", n → ∞" };
                return new SymmetrySetup(new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(precision)), true,
                    $"exact empirical score ({precision.ToString().ToLowerInvariant()})", model, precision);
        }
    }

    /// <summary>Runs the analysis with a prepared score.</summary>
    public static SymmetryResult Run(SymmetrySetup setup, Dataset data, SymmetryOptions options,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setup);
        cancellationToken.ThrowIfCancellationRequested();
        return SymmetryBreakingAnalysis.Run(setup.Denoiser, data, options.Analysis, setup.Model, setup.ScoreName, progress);
    }

    /// <summary>Chooses the score and runs the analysis.</summary>
    public static SymmetryResult Run(SymmetryInputs inputs, SymmetryOptions options,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var setup = Prepare(inputs, options);
        return Run(setup, inputs.Data, options, progress, cancellationToken);
    }

    /// <summary>The closed-form model of synthetic data: two symmetric points ±v, or the two-cluster model.</summary>
    public static TwoClusterModel? ModelOf(SyntheticData? truth) => truth switch
    {
        PointsData { Spec.Values: [var a, var b] } when a == -b && a != 0 =>
            new TwoClusterModel(a * a, 0, $"two points ±{Math.Abs(a).ToString("G4", Inv)}"),
        TwoClusterData tc => new TwoClusterModel(tc.M.Sum(v => v * v), tc.Spec.Sigma,
            string.Create(Inv, $"two-cluster |m|² = {tc.M.Sum(v => v * v):G4}, σ = {tc.Spec.Sigma:G3}")),
        _ => null,
    };
}
