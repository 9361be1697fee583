using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;

namespace DiffusionDynamics.Tests.Neural;

public class OptionsTests
{
    [Theory]
    [InlineData(0, 128, 1e-3, 10.0, "Steps")]
    [InlineData(10, 0, 1e-3, 10.0, "BatchSize")]
    [InlineData(10, 8, 1.0, 1.0, "TMin < TMax")]
    [InlineData(10, 8, 2.0, 1.0, "TMin < TMax")]
    [InlineData(10, 8, 0.0, 1.0, "TMin")]
    public void BadTrainingOptions_Throw(int steps, int batch, double tMin, double tMax, string mention)
    {
        var o = new TrainingOptions(Steps: steps, BatchSize: batch, TMin: tMin, TMax: tMax);
        var ex = Assert.Throws<ArgumentException>(o.Validate);
        Assert.Contains(mention, ex.Message);
        string dir = TempDir();
        try
        {
            Assert.Throws<ArgumentException>(() => Trainer.Train(EightPoints(), SmallMlp(), o, dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void UNet_OnTooSmallOrNonImageShape_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NetworkOptions(NetworkKind.UNet, [1, 3, 3], Multipliers: [1, 2, 2, 2]).Validate());
        Assert.Contains("too small", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => ScoreNetwork.Create(new NetworkOptions(NetworkKind.UNet, [784]), 0));
        Assert.Contains("[channels, height, width]", ex.Message);
        Assert.Throws<ArgumentException>(() => new NetworkOptions(NetworkKind.Mlp, [4], Width: 0).Validate());
        Assert.Throws<ArgumentException>(() => new NetworkOptions(NetworkKind.Mlp, [4], TimeEmbedding: 5).Validate());
    }

    [Fact]
    public void DataNotMatchingTheNetwork_Throws()
    {
        string dir = TempDir();
        try
        {
            var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(EightPoints(), SmallMlp(d: 3), new TrainingOptions(Steps: 1), dir));
            Assert.Contains("dimension", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DefaultFor_PicksUNetForImagesAndMlpOtherwise()
    {
        Assert.Equal(NetworkKind.UNet, NetworkOptions.DefaultFor([1, 28, 28]).Kind);
        Assert.Equal(NetworkKind.Mlp, NetworkOptions.DefaultFor([30]).Kind);
        Assert.Equal([1, 2], NetworkOptions.DefaultFor([1, 28, 28]).Multipliers);
        Assert.Equal(784, NetworkOptions.DefaultFor([1, 28, 28]).Dimension);
    }

    [Fact]
    public void CheckpointInfo_RoundTripsThroughJson()
    {
        var info = new CheckpointInfo(new NetworkOptions(NetworkKind.UNet, [1, 14, 14], Attention: true), new TrainingOptions(Weighting: LossWeighting.Score),
            12, "mnist", 100, 196, [1, 14, 14], ["downsample 2"], 0.3);
        var back = JsonSerializer.Deserialize<CheckpointInfo>(JsonSerializer.Serialize(info, Checkpoint.Json), Checkpoint.Json)!;
        Assert.True(back.Network.SameAs(info.Network));
        Assert.Equal(info.Training, back.Training);
        Assert.Equal(info.Step, back.Step);
        Assert.Equal(info.Preprocessing, back.Preprocessing);
        Assert.Equal(info.Loss, back.Loss);
    }
}
