using System.Diagnostics;
using System.Globalization;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>Kinds of score approximation compared with a reference score.</summary>
public enum ApproximationKind
{
    /// <summary>The Gaussian N(m, C) of the training set, full covariance.</summary>
    Gaussian,
    /// <summary>A k-means Gaussian mixture of the training set.</summary>
    Mixture,
    /// <summary>The exact empirical score of the training set.</summary>
    Empirical,
}

/// <summary>One approximation by name: <c>gaussian</c> | <c>empirical</c> | <c>mixture:K[:full|:iso|:lowrank[:R]]</c>.</summary>
/// <param name="Kind">Which approximation.</param>
/// <param name="Mixture">The mixture's fit options (<see cref="ApproximationKind.Mixture"/> only).</param>
public sealed record ApproximationSpec(ApproximationKind Kind, MixtureOptions? Mixture = null)
{
    private const string Approx = nameof(CompareScoresOptions.Approximations);

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The approximations compared by default (plus <c>empirical</c> when the reference is a trained model).</summary>
    public const string DefaultList = "gaussian,mixture:10,mixture:50";

    /// <summary>Canonical name, e.g. <c>mixture:50:lowrank:16</c>.</summary>
    public string Name => Kind switch
    {
        ApproximationKind.Gaussian => "gaussian",
        ApproximationKind.Empirical => "empirical",
        _ => Mixture!.Covariance switch
        {
            MixtureCovariance.Full => $"mixture:{Mixture.Components}:full",
            MixtureCovariance.Isotropic => $"mixture:{Mixture.Components}:iso",
            _ => $"mixture:{Mixture.Components}:lowrank:{Mixture.Rank}",
        },
    };

    /// <summary>For reports.</summary>
    public string Description => Kind switch
    {
        ApproximationKind.Gaussian => "Gaussian N(m, C) of the training set (full covariance)",
        ApproximationKind.Empirical => "exact empirical score of the training set",
        _ => $"Gaussian mixture (k-means), {Mixture!.Describe()}",
    };

    /// <summary>Parses a comma-separated list; throws <see cref="ArgumentException"/> naming the bad item.</summary>
    public static IReadOnlyList<ApproximationSpec> ParseList(string text, long seed, int maxIterations)
    {
        var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0) throw OptionMessage.Argument("{Approximations}: name at least one approximation (gaussian, empirical, mixture:K[:full|:iso|:lowrank[:R]]).", Approx);
        var specs = items.Select(i => Parse(i, seed, maxIterations)).ToArray();
        var duplicate = specs.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw OptionMessage.Argument($"{{Approximations}}: '{duplicate.Key}' is listed twice.", Approx);
        return specs;
    }

    private static ApproximationSpec Parse(string item, long seed, int maxIterations)
    {
        var parts = item.ToLowerInvariant().Split(':');
        string Bad(string why) => $"{{Approximations}}: '{item}' {why} (use gaussian, empirical or mixture:K[:full|:iso|:lowrank[:R]]).";
        switch (parts[0])
        {
            case "gaussian" when parts.Length == 1: return new(ApproximationKind.Gaussian);
            case "empirical" when parts.Length == 1: return new(ApproximationKind.Empirical);
            case "mixture":
                if (parts.Length < 2 || !int.TryParse(parts[1], NumberStyles.Integer, Inv, out int k) || k < 1)
                    throw OptionMessage.Argument(Bad("needs a number of components K ≥ 1"), Approx);
                var options = new MixtureOptions(Components: k, MaxIterations: maxIterations, Seed: seed);
                if (parts.Length == 2) return new(ApproximationKind.Mixture, options);
                switch (parts[2])
                {
                    case "full" when parts.Length == 3: return new(ApproximationKind.Mixture, options with { Covariance = MixtureCovariance.Full });
                    case "iso" when parts.Length == 3: return new(ApproximationKind.Mixture, options with { Covariance = MixtureCovariance.Isotropic });
                    case "lowrank" when parts.Length == 3: return new(ApproximationKind.Mixture, options);
                    case "lowrank" when parts.Length == 4:
                        if (!int.TryParse(parts[3], NumberStyles.Integer, Inv, out int r) || r < 1) throw OptionMessage.Argument(Bad("needs a rank R ≥ 1"), Approx);
                        return new(ApproximationKind.Mixture, options with { Rank = r });
                    default: throw OptionMessage.Argument(Bad("has an unknown covariance"), Approx);
                }
            default: throw OptionMessage.Argument(Bad("is not an approximation"), Approx);
        }
    }
}

/// <summary>Settings of a score comparison (defaults: the grid of Wang &amp; Vastola's figures, 16 log-spaced times in [0.01, 5]).</summary>
/// <param name="Approximations">The approximations s₂, each compared with the reference s₁.</param>
/// <param name="TFrom">Smallest OU time of the grid. Range: &gt; 0.</param>
/// <param name="TTo">Largest OU time of the grid. Range: &gt; TFrom.</param>
/// <param name="Times">Log-spaced times. Range: ≥ 2.</param>
/// <param name="Sampling">Draws per time, batch and seed (default <see cref="ExplainedVarianceOptions"/>).</param>
/// <param name="Precision">Arithmetic of the empirical score.</param>
public sealed record CompareScoresOptions(IReadOnlyList<ApproximationSpec> Approximations, double TFrom = 0.01, double TTo = 5.0, int Times = 16,
    ExplainedVarianceOptions? Sampling = null, Precision Precision = Precision.Float32)
{
    /// <summary>The sampling options in force.</summary>
    public ExplainedVarianceOptions SamplingOrDefault => Sampling ?? new ExplainedVarianceOptions();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public void Validate()
    {
        if (Approximations is null || Approximations.Count == 0) throw new ArgumentException("Give at least one approximation.");
        if (!(double.IsFinite(TFrom) && TFrom > 0)) throw new ArgumentException($"TFrom must be finite and > 0 (got {TFrom}).");
        if (!(double.IsFinite(TTo) && TTo > TFrom)) throw new ArgumentException($"TTo must be finite and > TFrom = {TFrom} (got {TTo}).");
        if (Times < 2) throw new ArgumentException($"Times must be ≥ 2 (got {Times}).");
        SamplingOrDefault.Validate();
    }
}

/// <summary>What a score comparison runs on.</summary>
/// <param name="Training">The training set: the approximations are fitted to it, and its exact empirical score is the default reference.</param>
/// <param name="Reference">A reference score s₁ other than the exact empirical score (e.g. a trained model), else null.</param>
/// <param name="ReferenceName">How the report names <paramref name="Reference"/>.</param>
/// <param name="HeldOut">A point set the draws come from instead of the training set, else null.</param>
/// <param name="HeldOutName">How the report names <paramref name="HeldOut"/>.</param>
public sealed record CompareScoresInputs(Dataset Training, IDenoiser? Reference = null, string? ReferenceName = null, Dataset? HeldOut = null,
    string? HeldOutName = null);

/// <summary>
/// Explained variance of a reference score by Gaussian, mixture and empirical approximations over t
/// (Wang &amp; Vastola, arXiv 2412.09726 and 2311.10892; docs/theory.md §5): fits each approximation, scores all of them on the
/// same draws (<see cref="ExplainedVariance.Compute"/>) and, when the reference is the exact empirical score and the Gaussian is
/// compared, adds the large-t theory of its deficit 1 − EV ≈ θ⁶|κ₃|²_F/(2Δ_t⁴ E|s₁|²).
/// </summary>
public static class CompareScoresExperiment
{
    /// <summary>Stage names reported to the progress target.</summary>
    public const string FitStage = "fitting approximations", CompareStage = "explained variance";

    /// <summary>One line describing the run (data, reference, approximations, draws).</summary>
    public static string Describe(CompareScoresInputs inputs, CompareScoresOptions options)
    {
        var data = inputs.Training;
        var sampling = options.SamplingOrDefault;
        return $"data: {data.Name}, n = {data.Count}, d = {data.Dimension}; reference: {ReferenceName(inputs)}; {options.Approximations.Count} approximations, " +
               $"{options.Times} times in [{options.TFrom.ToString(CultureInfo.InvariantCulture)}, {options.TTo.ToString(CultureInfo.InvariantCulture)}], {sampling.Samples} draws each from {DrawnFrom(inputs)}";
    }

    private static string ReferenceName(CompareScoresInputs inputs) =>
        inputs.Reference is null ? $"exact empirical score of the training set (n = {inputs.Training.Count})" : inputs.ReferenceName ?? "reference score";

    private static string DrawnFrom(CompareScoresInputs inputs) =>
        inputs.HeldOut is null ? $"the training set (n = {inputs.Training.Count})" : $"the held-out set {inputs.HeldOutName} (n = {inputs.HeldOut.Count})";

    /// <summary>Checks the inputs against the options; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public static void Check(CompareScoresInputs inputs, CompareScoresOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var data = inputs.Training;
        foreach (var s in options.Approximations)
            if (s.Mixture is { } m && m.Components > data.Count)
                throw OptionMessage.Argument($"{{Approximations}}: {s.Name} asks for k = {m.Components} components but the data have n = {data.Count} points.", nameof(CompareScoresOptions.Approximations));
        if (inputs.HeldOut is { } held && held.Dimension != data.Dimension)
            throw OptionMessage.Argument($"{{HeldOut}} {inputs.HeldOutName} has d = {held.Dimension}, the training data have d = {data.Dimension}.", nameof(CompareScoresInputs.HeldOut));
        if (inputs.Reference is { } r && r.Dimension != data.Dimension)
            throw new ArgumentException($"The reference score has d = {r.Dimension}, the training data have d = {data.Dimension}.");
    }

    /// <summary>Runs the comparison. Progress: <see cref="FitStage"/> (approximations fitted) then <see cref="CompareStage"/> (batches).</summary>
    public static CompareScoresResult Run(CompareScoresInputs inputs, CompareScoresOptions options, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Check(inputs, options);
        var data = inputs.Training;
        var sampling = options.SamplingOrDefault;
        var times = ExplainedVariance.LogSpacedTimes(options.TFrom, options.TTo, options.Times);
        var owned = new List<IDisposable>();
        try
        {
            EmpiricalDenoiser? empirical = null;
            EmpiricalDenoiser Empirical() => empirical ??= Own(new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(options.Precision)));
            T Own<T>(T d) where T : IDisposable { owned.Add(d); return d; }
            IDenoiser reference = inputs.Reference ?? Empirical();

            var fitted = new List<(ScoreApproximation Approx, double Seconds)>();
            GaussianDenoiser? gaussian = null;
            int count = options.Approximations.Count;
            for (int i = 0; i < count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var spec = options.Approximations[i];
                progress?.Report(new AnalysisProgress(FitStage, i, count));
                var sw = Stopwatch.StartNew();
                IDenoiser denoiser = spec.Kind switch
                {
                    ApproximationKind.Gaussian => gaussian = Own(GaussianDenoiser.FromData(data)),
                    ApproximationKind.Empirical => Empirical(),
                    _ => Own(MixtureDenoiser.Fit(data, spec.Mixture)),
                };
                fitted.Add((new ScoreApproximation(spec.Name, denoiser, spec.Description), sw.Elapsed.TotalSeconds));
            }
            progress?.Report(new AnalysisProgress(FitStage, count, count));
            using var points = (inputs.HeldOut ?? data).ToTensor();
            long total = (long)times.Length * ((sampling.Samples + sampling.Batch - 1) / sampling.Batch);
            var clock = Stopwatch.StartNew();
            var curves = ExplainedVariance.Compute(reference, fitted.Select(f => f.Approx).ToArray(), points, times, sampling,
                AnalysisProgress.Relay(progress, CompareStage, total));
            double compareSeconds = clock.Elapsed.TotalSeconds;
            GaussianDeficitTheory? theory = null;
            if (inputs.Reference is null && gaussian is not null) // the theory of the Gaussian approximation of the empirical score
            {
                using var a = data.ToTensor(ScalarType.Float64);
                double kappa = ExplainedVariance.ThirdCumulantNormSquared(a);
                var fine = ExplainedVariance.LogSpacedTimes(options.TFrom, options.TTo, 200).Concat(times).Distinct().Order();
                theory = new GaussianDeficitTheory(kappa, fine.Select(t => new TheoryPoint(t,
                    ExplainedVariance.GaussianDeficitAsymptote(kappa, gaussian.Eigenvalues, data.Dimension, t))).ToArray());
            }
            return new CompareScoresResult("OU time t", new ExplainedVarianceData(data.Name, data.Count, data.Dimension, DrawnFrom(inputs), (inputs.HeldOut ?? data).Count),
                ReferenceName(inputs), sampling.Samples, sampling.Seed,
                curves.Select((c, j) => c with { FitSeconds = fitted[j].Seconds }).ToArray(), compareSeconds, theory);
        }
        finally
        {
            foreach (var d in owned) d.Dispose();
        }
    }
}
