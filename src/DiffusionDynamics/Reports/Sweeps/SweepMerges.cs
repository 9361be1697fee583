using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Reports;

/// <summary>
/// Shard folders of one sweep read back into the result one whole run gives (<see cref="SweepMerge.Read{TPoint}"/> checks them first), with
/// what the merged run's manifest records: the sweep's options as stored, the shard folders, the seed, the data and the timings.
/// </summary>
public sealed record MergedSweep<TResult>(TResult Result, object ManifestOptions, IReadOnlyList<string> Arguments, long Seed, Dataset Data,
    Dictionary<string, double> Timings, string Summary);

/// <summary>The merge of each sharded sweep whose points are not self-describing (accelerate, memory, spectrum --sizes).</summary>
public static class SweepMerges
{
    /// <summary>An accelerate sweep: its cells with their previews, assembled over the shared setup every shard stored.</summary>
    public static MergedSweep<AccelerateResult> Accelerate(IReadOnlyList<string> folders, Stopwatch clock)
    {
        var (manifest, points) = SweepMerge.Read<AcceleratePoint>(folders);
        var stored = manifest.Options!.AsObject();
        var request = Get<DataRequest>(stored, "data", "data request");
        var options = Get<AccelerateOptions>(stored, "accelerate", "accelerate options");
        string referenceText = stored["reference"]!.GetValue<string>(), scoreName = stored["score"]!.GetValue<string>();
        var (data, _) = request.LoadWithTruth();
        var reference = AccelerationReference.Resolve(request, referenceText == "auto" ? null : referenceText, Math.Max(1000, options.Samples));
        var runs = points.Select(p => p.Run with { Preview = p.Preview }).ToList();
        var result = AccelerateExperiment.Assemble(data, reference, options, scoreName, points[0].Shared, runs, runs.Sum(r => r.WallSeconds), clock.Elapsed.TotalSeconds);
        return new(result, new { data = request, reference = referenceText, score = scoreName, accelerate = options, mergedFrom = Full(folders) },
            manifest.Arguments, options.Seed, data,
            AccelerateExperiment.Timings(result),
            Summary(points.Count, "cells", "accelerate", folders));
    }

    /// <summary>
    /// A memory sweep: its sizes, also kept in the merged folder's sweep.json so it resumes like a whole run's; with --train each shard
    /// trained its sizes' networks, and they are copied into the merged folder's models/, as a whole run holds them.
    /// </summary>
    public static MergedSweep<MemoryResult> Memory(IReadOnlyList<string> folders, RunOutput run)
    {
        var (manifest, sizes) = SweepMerge.Read<MemorySizeResult>(folders);
        var stored = manifest.Options!.AsObject();
        var request = Get<DataRequest>(stored, "data", "data request");
        var options = Get<MemoryOptions>(stored, "memory", "memory options");
        var training = stored["training"].Deserialize<TrainingOptions?>(RunManifest.JsonOptions);
        var network = stored["network"].Deserialize<NetworkOptions?>(RunManifest.JsonOptions);
        var (data, truth) = request.LoadWithTruth();
        var sweep = SweepState<MemorySizeResult>.Open(run.Folder, manifest.Options!, resume: false);
        foreach (var s in sizes) sweep.Add(s.Point.N, s);
        foreach (var folder in folders.Select(Path.GetFullPath).Where(f => Directory.Exists(Path.Combine(f, "models"))))
            ShardFolders.Copy(Path.Combine(folder, "models"), run.File("models"));
        var result = MemoryExperiment.Assemble(data, options, truth is CircleData, sizes,
            training is null ? null : MemoryExperiment.TrainedModelName(network!, training), sizes.Sum(r => r.Point.Seconds));
        return new(result, new { data = request, memory = options, training, network, resume = false, mergedFrom = Full(folders) },
            manifest.Arguments, options.Seed, data, new() { ["analysis"] = result.TotalSeconds }, Summary(sizes.Count, "sizes", "memory", folders));
    }

    /// <summary>A spectrum --sizes sweep: its sizes over the same training sets (rebuilt from the stored data request).</summary>
    public static MergedSweep<SpectrumResult> Spectrum(IReadOnlyList<string> folders, Stopwatch clock)
    {
        var (manifest, sizeResults) = SweepMerge.Read<SpectrumSizeResult>(folders);
        var stored = manifest.Options!.AsObject();
        var request = Get<DataRequest>(stored, "data", "data request");
        var sizes = stored["sizes"].Deserialize<int[]?>(RunManifest.JsonOptions);
        var options = Get<JacobianSpectrumSweepOptions>(stored, "spectrum", "spectrum options");
        var (data, truth) = request.LoadWithTruth();
        var trainings = SpectrumExperiment.TrainingSets(data, truth, sizes, request.Count is not null, request.Seed);
        var inputs = new SpectrumInputs(trainings, truth as LinearManifoldData, SpectrumExperiment.DataName(data, trainings.Count));
        var result = SpectrumExperiment.Assemble(inputs, options, sizeResults, clock.Elapsed.TotalSeconds);
        return new(result, new { data = request, sizes, spectrum = options, models = (string[]?)null, mergedFrom = Full(folders) },
            manifest.Arguments, options.Seed, data, new() { ["sweep"] = result.Seconds }, Summary(sizeResults.Count, "sizes", "spectrum", folders));
    }

    private static T Get<T>(JsonObject stored, string key, string what) =>
        stored[key].Deserialize<T>(RunManifest.JsonOptions) ?? throw new IOException($"The sweep manifest holds no {what}.");

    private static List<string> Full(IReadOnlyList<string> folders) => folders.Select(Path.GetFullPath).ToList();

    private static string Summary(int points, string what, string command, IReadOnlyList<string> folders) =>
        $"merge: {points} {what} of diffdyn {command} from {folders.Count} shard folders";
}
