using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Tests.Analysis;

public class MemorizationRunSizeTests
{
    [Fact]
    public void RunSize_TrainsEvaluatesAndRecordsTheTraining_WithoutTheCli()
    {
        string dir = Path.Combine(Path.GetTempPath(), "diffdyn-mem-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = new DataRequest("points:-1,1").Load();
            var network = NetworkOptions.DefaultFor(data.ItemShape) with { Width = 16, Depth = 1 };
            var training = new TrainingOptions(Steps: 20, CheckpointEvery: 10, LogEvery: 5, Seed: 1);
            var evaluation = new MemorizationOptions(Samples: 8, Steps: 20, ScoreSamples: 8, Seed: 1);
            var point = MemorizationExperiment.RunSize(data, network, training, evaluation, dir);
            Assert.Equal(2, point.N);
            Assert.Equal(20, point.Training!.Steps);
            Assert.InRange(point.MemorizedFraction, 0, 1);
            Assert.True(File.Exists(Path.Combine(dir, "train-log.jsonl")) || Directory.EnumerateFiles(dir).Any());
            var result = MemorizationExperiment.Assemble(data, [point]);
            Assert.Equal("OU time t", result.Clock);
            Assert.Equal(1, result.D);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Run_SweepsTheSizesOnce_AndKeepsFinishedSizes()
    {
        string dir = Path.Combine(Path.GetTempPath(), "diffdyn-mem-" + Guid.NewGuid().ToString("N"));
        try
        {
            var sets = new Dictionary<int, Dataset> { [3] = new DataRequest("points:-1,1,3").Load(), [2] = new DataRequest("points:-1,1").Load() };
            var training = new TrainingOptions(Steps: 10, CheckpointEvery: 10, LogEvery: 5, Seed: 1);
            var evaluation = new MemorizationOptions(Samples: 4, Steps: 10, ScoreSamples: 4, Seed: 1);
            var store = new InMemorySweepStore<MemorizationPoint>();
            var result = MemorizationExperiment.Run(sets, d => NetworkOptions.DefaultFor(d.ItemShape) with { Width = 8, Depth = 1 }, training, evaluation, dir, store);
            Assert.Equal([2, 3], result.Points.Select(p => p.N));
            Assert.True(Directory.Exists(Path.Combine(dir, "n-2")) && Directory.Exists(Path.Combine(dir, "n-3")));
            // A second run over the same store finds every size finished and trains nothing.
            int ran = 0;
            var again = SizeSweep.Run([2, 3], store, n => { ran++; return store.PointsAt([n])[0]; });
            Assert.Equal(0, ran);
            Assert.Equal(result.Points, again);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
