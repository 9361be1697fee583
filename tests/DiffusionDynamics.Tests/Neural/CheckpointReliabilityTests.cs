using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;

namespace DiffusionDynamics.Tests.Neural;

/// <summary>Bad checkpoints are clear errors naming the file; a resumed log has each step once; a diverged fresh run leaves nothing behind.</summary>
public class CheckpointReliabilityTests : IDisposable
{
    private readonly string dir = TempDir();

    public void Dispose()
    {
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        GC.SuppressFinalize(this);
    }

    private static TrainingOptions Options(int steps = 30) => new(Steps: steps, BatchSize: 16, LogEvery: 10, CheckpointEvery: 20, Seed: 5);

    [Theory]
    [InlineData("{bad")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    public void ACorruptCheckpointJson_IsADataFormatExceptionNamingIt(string text)
    {
        Trainer.Train(EightPoints(), SmallMlp(), Options(), dir);
        string json = Path.Combine(dir, Checkpoint.InfoFile);
        File.WriteAllText(json, text);
        var e = Assert.Throws<DataFormatException>(() => Checkpoint.ReadInfo(dir));
        Assert.Equal(json, e.FilePath);
        Assert.Throws<DataFormatException>(() => Checkpoint.LoadDenoiser(dir));
        Assert.Throws<DataFormatException>(() => Trainer.Train(EightPoints(), SmallMlp(), Options(40), dir, resume: true));
    }

    [Fact]
    public void AMissingWeightsFile_StopsResume_AndKeepsTheCheckpoint()
    {
        Trainer.Train(EightPoints(), SmallMlp(), Options(), dir);
        File.Delete(Path.Combine(dir, "checkpoint.weights.bin"));
        string before = File.ReadAllText(Path.Combine(dir, Checkpoint.InfoFile));
        var e = Assert.Throws<DataFormatException>(() => Trainer.Train(EightPoints(), SmallMlp(), Options(60), dir, resume: true));
        Assert.EndsWith("checkpoint.weights.bin", e.FilePath);
        Assert.Contains("missing", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(dir, Checkpoint.InfoFile)));
    }

    [Theory]
    [InlineData("checkpoint.ema.bin")]
    [InlineData("checkpoint.weights.bin")]
    public void TruncatedWeights_AreADataFormatExceptionNamingTheFile(string file)
    {
        Trainer.Train(EightPoints(), SmallMlp(), Options(), dir);
        string path = Path.Combine(dir, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        var e = Assert.Throws<DataFormatException>(() =>
        {
            if (file.Contains("ema")) Checkpoint.LoadDenoiser(dir).Dispose();
            else Trainer.Train(EightPoints(), SmallMlp(), Options(60), dir, resume: true);
        });
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void AResumedLog_HasEachStepOnce_AfterACrashPastTheLastCheckpoint()
    {
        // The crash: an exception at step 30 (checkpoint at 20, log rows at 10, 20, 30).
        var crash = new ThrowingProgress(30);
        Assert.Throws<InvalidOperationException>(() => Trainer.Train(EightPoints(), SmallMlp(), Options(60), dir, progress: crash));
        Assert.Equal(20, Checkpoint.ReadInfo(dir).Step);
        Trainer.Train(EightPoints(), SmallMlp(), Options(60), dir, resume: true);
        var steps = File.ReadAllLines(Path.Combine(dir, Trainer.LogFile))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32()).ToArray();
        Assert.Equal(new[] { 10, 20, 30, 40, 50, 60 }, steps);
    }

    [Fact]
    public void Divergence_IsAnArgumentErrorThatDoesNotAdviseClippingWhenItIsOn_AndAFreshRunLeavesNoLog()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Trainer.Train(EightPoints(), SmallMlp(), Options(200) with { LearningRate = 1e6 }, dir));
        Assert.Contains("diverged", e.Message);
        Assert.Contains("already clipped", e.Message);
        Assert.DoesNotContain("enable", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, Trainer.LogFile)));
        Assert.False(File.Exists(Path.Combine(dir, Checkpoint.InfoFile)));
        // The same folder then trains with a sane rate.
        Assert.Equal(30, Trainer.Train(EightPoints(), SmallMlp(), Options(), dir).Steps);
    }

    private sealed class ThrowingProgress(int atStep) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step >= atStep) throw new InvalidOperationException("simulated crash");
        }
    }
}
