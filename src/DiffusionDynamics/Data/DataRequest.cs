namespace DiffusionDynamics.Data;

/// <summary>
/// Which data a run uses and how it is prepared, as one value that a CLI command fills from its options and
/// records in its manifest. <see cref="Load"/> applies, in order: class filter, subsampling (per class when
/// labelled), image downsampling, and scaling of image pixels to [−1, 1] (as DDPM does).
/// </summary>
/// <param name="Spec">The <see cref="DataSource"/> text: builtin, a file, or a synthetic spec.</param>
/// <param name="LabelsPath">Labels file for data files that keep them apart (IDX, .npy).</param>
/// <param name="Classes">Keep only these labels (null: all).</param>
/// <param name="Count">Training-set size n after subsampling (null: all). With labels, n/K per class.</param>
/// <param name="Downsample">Integer image downsampling factor (average pooling). Range: ≥ 1.</param>
/// <param name="ScaleImages">Scale image items to [−1, 1] (default true).</param>
/// <param name="Seed">Seed of the subsampling.</param>
public sealed record DataRequest(string Spec = "builtin", string? LabelsPath = null, int[]? Classes = null, int? Count = null,
    int Downsample = 1, bool ScaleImages = true, long Seed = 0)
{
    /// <summary>Loads and prepares the data; throws <see cref="ArgumentException"/> or <see cref="DataFormatException"/> with a clear message.</summary>
    public Dataset Load() => Prepare(DataSource.Parse(Spec, LabelsPath));

    /// <summary>
    /// Like <see cref="Load"/>, and also the generator's ground truth when <see cref="Spec"/> is synthetic (e.g. the
    /// centre m of the two-cluster model). Subsampling keeps the truth valid; a class filter changes the mixture,
    /// so the truth is dropped then.
    /// </summary>
    public (Dataset Data, SyntheticData? Truth) LoadWithTruth()
    {
        var spec = DataSource.ParseSynthetic(Spec.Trim(), out long seed);
        if (spec is null) return (Load(), null);
        if (LabelsPath is not null) throw new ArgumentException($"A labels file applies only to data files, not to \"{Spec}\".");
        var synthetic = spec.Generate(seed);
        var data = Prepare(synthetic.Data);
        return (data, Classes is { Length: > 0 } ? null : synthetic);
    }

    private Dataset Prepare(Dataset data)
    {
        if (Count is < 1) throw new ArgumentOutOfRangeException(nameof(Count), Count, "The training-set size n must be ≥ 1.");
        if (Downsample < 1) throw new ArgumentOutOfRangeException(nameof(Downsample), Downsample, "The downsampling factor must be ≥ 1.");
        if (Classes is { Length: > 0 }) data = data.FilterClasses(Classes);
        if (Count is int n && n < data.Count)
        {
            if (data.Labels is not null)
            {
                int k = data.Labels.Distinct().Count();
                if (n < k) throw new ArgumentException($"n = {n} is smaller than the number of classes ({k}).");
                data = data.SubsamplePerClass(n / k, Seed);
            }
            else data = data.Subsample(n, Seed);
        }
        else if (Count is int m && m > data.Count)
            throw new ArgumentException($"Requested n = {m} but the data have only {data.Count} items.");
        if (Downsample > 1) data = data.Downsample(Downsample);
        if (ScaleImages && data.IsImage) data = data.ScaleToRange(-1, 1);
        return data;
    }
}
