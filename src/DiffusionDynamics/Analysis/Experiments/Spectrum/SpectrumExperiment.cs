using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Analysis;

/// <summary>One training-set size of a spectrum sweep: its training set and, optionally, the trained model of it.</summary>
/// <param name="N">Training-set size N.</param>
/// <param name="Data">The training set.</param>
/// <param name="Model">A model of this training set (a trained network, analysed with autograd VJPs; an imported model, with central finite
/// differences; not disposed here), else null: the exact empirical score (float64).</param>
public sealed record SpectrumTraining(int N, Dataset Data, IDenoiser? Model = null);

/// <summary>What a spectrum sweep runs on.</summary>
/// <param name="Trainings">One training set per size, ascending N, each size once.</param>
/// <param name="Manifold">The linear-manifold ground truth shared by every size (its theory is drawn), else null.</param>
/// <param name="DataName">Name of the data in the report.</param>
public sealed record SpectrumInputs(IReadOnlyList<SpectrumTraining> Trainings, LinearManifoldData? Manifold, string DataName);

/// <summary>
/// Jacobian spectra of the score over t and training-set sizes (Achilli et al. 2024, arXiv 2410.08727; docs/theory.md §6): builds each
/// size's training set (a linear manifold is regenerated with each N, other data are subsampled), the score of each size (exact
/// empirical in float64, or a trained model) and runs <see cref="JacobianSpectrumSweep"/>.
/// </summary>
public static class SpectrumExperiment
{
    /// <summary>
    /// The training set of each size: <paramref name="data"/> itself for its own n; a linear manifold regenerated with each N (unless
    /// <paramref name="countGiven"/>: the data were subsampled to a given n); else a subsample (seed <paramref name="seed"/>).
    /// Null <paramref name="sizes"/>: the data's n. Throws <see cref="ArgumentException"/> when a size exceeds data that cannot be regenerated.
    /// </summary>
    public static IReadOnlyList<SpectrumTraining> TrainingSets(Dataset data, SyntheticData? truth, int[]? sizes, bool countGiven, long seed)
    {
        var manifold = truth as LinearManifoldData;
        var list = new List<SpectrumTraining>();
        foreach (int n in sizes ?? [data.Count])
        {
            if (manifold is not null && !countGiven && n != data.Count)
                list.Add(new(n, (manifold.Spec with { N = n }).Generate(manifold.Seed).Data));
            else if (n == data.Count) list.Add(new(n, data));
            else if (n < data.Count) list.Add(new(n, data.Subsample(n, seed)));
            else throw OptionMessage.Argument($"{{sizes}}: N = {n} exceeds the {data.Count} items of the data (only linear-manifold specs are regenerated per size).", nameof(sizes));
        }
        return list;
    }

    /// <summary>
    /// The linear-manifold truth shared by every model's training set (same stds and directions; only N differs), or null when
    /// any is not linear-manifold data or they differ — the theory then does not apply to the sweep as a whole.
    /// </summary>
    public static LinearManifoldData? SharedManifold(IReadOnlyList<SyntheticData?> truths)
    {
        if (truths.Any(t => t is not LinearManifoldData)) return null;
        var all = truths.Cast<LinearManifoldData>().ToList();
        var first = all[0];
        bool same = all.All(m => m.Spec.D == first.Spec.D && m.Spec.Stds.SequenceEqual(first.Spec.Stds)
            && (m.Basis is null ? first.Basis is null : first.Basis is not null && m.Basis.SequenceEqual(first.Basis)));
        return same ? first : null;
    }

    /// <summary>The data's name, with the sizes' note when they are regenerated or subsampled from it.</summary>
    /// <summary>The point label of every training set of the sweep ("N=…"), as sweeps and shards list them.</summary>
    public static List<string> SizeLabels(IReadOnlyList<SpectrumTraining> trainings) => trainings.Select(t => $"N={t.N}").ToList();

    public static string DataName(Dataset data, int sizes) => sizes > 1 ? $"{data.Name} (one training set per size)" : data.Name;

    /// <summary>Checks the inputs against the options; throws <see cref="ArgumentException"/> naming the bad value.</summary>
    public static void Check(SpectrumInputs inputs, JacobianSpectrumSweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (inputs.Trainings.Count == 0) throw new ArgumentException("Give at least one training set.");
        if (options.PointKind == SpectrumPoints.Data && inputs.Trainings.Min(x => x.N) < options.Points)
            throw OptionMessage.Argument($"{{Points}} {options.Points} exceeds the smallest training set (N = {inputs.Trainings.Min(x => x.N)}).", nameof(JacobianSpectrumSweepOptions.Points));
    }

    /// <summary>Runs the sweep: one spectrum curve per size (progress per size and time).</summary>
    public static SpectrumResult Run(SpectrumInputs inputs, JacobianSpectrumSweepOptions options, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        Check(inputs, options);
        cancellationToken.ThrowIfCancellationRequested();
        var owned = new List<IDisposable>();
        try
        {
            var subjects = inputs.Trainings.Select(tr =>
            {
                IDenoiser denoiser = tr.Model ?? Own(new EmpiricalDenoiser(tr.Data, new EmpiricalDenoiserOptions(Precision.Float64)));
                return new SpectrumSubject(tr.N, denoiser, tr.Data, tr.Model is null ? "exact empirical score"
                    : tr.Model.Has<IJacobianTransposeProduct>() ? "trained network, autograd VJP" : "model, central finite differences");
            }).ToList();
            int d = inputs.Trainings[^1].Data.Dimension;
            var manifold = inputs.Manifold is { } m && m.Spec.D == d ? m : null;
            return JacobianSpectrumSweep.Run(subjects, options, manifold, progress, inputs.DataName);
        }
        finally
        {
            foreach (var o in owned) o.Dispose();
        }

        T Own<T>(T value) where T : IDisposable { owned.Add(value); return value; }
    }

    /// <summary>
    /// Size <paramref name="index"/> of the sweep on its own (a point of a sharded sweep): the same curve the whole sweep computes for it,
    /// since each size's points and random directions come from the options' seed only.
    /// </summary>
    public static SpectrumSizeResult RunSize(SpectrumInputs inputs, int index, JacobianSpectrumSweepOptions options, IProgress<AnalysisProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Run(inputs with { Trainings = [inputs.Trainings[index]] }, options, progress).Sizes[0];
    }

    /// <summary>The sweep's result from its per-size results (in the order of <paramref name="inputs"/>), as <see cref="Run"/> returns it.</summary>
    public static SpectrumResult Assemble(SpectrumInputs inputs, JacobianSpectrumSweepOptions options, IReadOnlyList<SpectrumSizeResult> sizes, double seconds)
    {
        Check(inputs, options);
        ArgumentNullException.ThrowIfNull(sizes);
        if (!sizes.Select(s => s.N).SequenceEqual(inputs.Trainings.Select(t => t.N)))
            throw new ArgumentException($"The per-size results [{string.Join(", ", sizes.Select(s => s.N))}] do not match the sizes [{string.Join(", ", inputs.Trainings.Select(t => t.N))}].", nameof(sizes));
        int d = inputs.Trainings[^1].Data.Dimension;
        var manifold = inputs.Manifold is { } m && m.Spec.D == d ? m : null;
        return new SpectrumResult("OU time t", inputs.DataName, d, manifold?.Spec.Stds, options, sizes, seconds);
    }
}
