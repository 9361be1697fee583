using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;

namespace DiffusionDynamics.Cli.Commands;

/// <summary>Model folders written by <c>diffdyn train</c>, loaded through <see cref="TrainedModelFolder"/> and <see cref="Denoisers.Factory"/>.</summary>
public static class TrainedModel
{
    /// <summary>The data request stored beside the model (the training set it was trained on).</summary>
    public static DataRequest DataRequestOf(string modelDir) => TrainedModelFolder.DataRequestOf(modelDir);

    /// <summary>The EMA denoiser of the folder, checked against <paramref name="data"/> (same n and d) by the factory's trained-model source.</summary>
    public static NeuralDenoiser Load(string modelDir, Dataset data) => (NeuralDenoiser)Denoisers.Factory.Create(DenoiserSpec.Trained(modelDir), data);

    /// <summary>
    /// The training set stored beside each model folder, ascending in n; throws <see cref="ArgumentException"/> when two folders were
    /// trained on the same size (one network per size).
    /// </summary>
    public static IReadOnlyList<(string Dir, Dataset Data, SyntheticData? Truth)> LoadEach(IReadOnlyList<string> modelDirs)
    {
        var loaded = modelDirs.Select(dir => (Dir: dir, Loaded: DataRequestOf(dir).LoadWithTruth())).ToList();
        if (loaded.Select(x => x.Loaded.Data.Count).Distinct().Count() != loaded.Count)
            throw new ArgumentException($"--model: the networks were trained on sizes {string.Join(", ", loaded.Select(x => x.Loaded.Data.Count))}; each size must appear once.");
        return loaded.OrderBy(m => m.Loaded.Data.Count).Select(m => (m.Dir, m.Loaded.Data, m.Loaded.Truth)).ToList();
    }

    /// <summary>
    /// One training set per network for a spectrum sweep: each folder's network on the training set stored beside it (ascending n);
    /// the networks are added to <paramref name="owned"/>. Returns the sets, the largest set, and the linear-manifold truth they share.
    /// </summary>
    public static (List<SpectrumTraining> Trainings, Dataset Largest, LinearManifoldData? Manifold) SpectrumTrainings(IReadOnlyList<string> modelDirs, List<IDisposable> owned)
    {
        var loaded = LoadEach(modelDirs);
        var trainings = loaded.Select(m =>
        {
            var model = Load(m.Dir, m.Data);
            owned.Add(model);
            return new SpectrumTraining(m.Data.Count, m.Data, model);
        }).ToList();
        return (trainings, trainings[^1].Data, SpectrumExperiment.SharedManifold(loaded.Select(m => m.Truth).ToList()));
    }
}
