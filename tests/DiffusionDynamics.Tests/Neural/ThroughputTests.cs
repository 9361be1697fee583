using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using Xunit.Abstractions;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;

namespace DiffusionDynamics.Tests.Neural;

/// <summary>Steps/s and parameter counts of the default networks at batch 128. A measurement, not a check: it runs
/// only with DIFFDYN_NEURAL_BENCH=1 (about 40 s) and prints to the test output.</summary>
public class ThroughputTests(ITestOutputHelper output)
{
    [Theory]
    [Trait(Category.Name, Category.Slow)]
    [InlineData(new[] { 1, 28, 28 })]
    [InlineData(new[] { 1, 14, 14 })]
    [InlineData(new[] { 30 })]
    [InlineData(new[] { 256 })]
    public void DefaultNetwork_StepsPerSecondAtBatch128(int[] shape)
    {
        if (Environment.GetEnvironmentVariable("DIFFDYN_NEURAL_BENCH") != "1") return;
        int d = shape.Aggregate(1, (p, s) => p * s), n = 256;
        var values = new float[n * d];
        var rng = new DiffusionDynamics.Random.Xoshiro(1);
        rng.FillGaussian(values);
        var data = new Dataset(values, n, d, itemShape: shape);
        string dir = TempDir();
        try
        {
            var progress = new ListProgress();
            var r = Trainer.Train(data, NetworkOptions.DefaultFor(shape), new TrainingOptions(Steps: 12, LogEvery: 4, CheckpointEvery: 1000), dir, progress: progress);
            output.WriteLine($"[{string.Join(",", shape)}] params {r.ParameterCount}, steps/s (after warm-up) {progress.Reports[^1].StepsPerSecond:F2}");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
