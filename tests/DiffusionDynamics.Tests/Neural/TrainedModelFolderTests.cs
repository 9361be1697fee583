using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Neural;

public class TrainedModelFolderTests
{
    [Fact]
    public void Factory_LoadsATrainedFolder_AndChecksNAndD()
    {
        string dir = TempDir();
        try
        {
            var data = EightPoints();
            Trainer.Train(data, SmallMlp(), new TrainingOptions(Steps: 5, BatchSize: 8, LogEvery: 5, CheckpointEvery: 1000, Seed: 1), dir);
            var request = new DataRequest("points:-1,1", Count: 8);
            File.WriteAllText(Path.Combine(dir, TrainedModelFolder.DataRequestFile),
                JsonSerializer.Serialize(request, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            Assert.Equal(request.Spec, TrainedModelFolder.DataRequestOf(dir).Spec);
            Assert.Equal(8, TrainedModelFolder.DataRequestOf(dir).Count);

            using var built = Denoisers.Factory.Create(DenoiserSpec.Trained(dir), data) as NeuralDenoiser;
            using var direct = Checkpoint.LoadDenoiser(dir, ema: true);
            using var x = torch.tensor(new[,] { { 0.1, 0.2 }, { -0.3, 0.4 } });
            Assert.Equal(0.0, (built!.Denoise(x, 0.5) - direct.Denoise(x, 0.5)).abs().max().item<double>());
            Assert.True(built.Has<IJacobianTransposeProduct>());

            var fewer = new Dataset(data.ToArray().Take(12).ToArray(), 6, 2, name: "six");
            var e = Assert.Throws<ArgumentException>(() => Denoisers.Factory.Create(DenoiserSpec.Trained(dir), fewer));
            Assert.Equal("data", e.ParamName);
            Assert.Contains("n = 8", e.Message);
            var wide = new Dataset(new float[24], 8, 3, name: "wide");
            Assert.Contains("d = 2", Assert.Throws<ArgumentException>(() => Denoisers.Factory.Create(DenoiserSpec.Trained(dir), wide)).Message);
            Assert.Throws<FileNotFoundException>(() => TrainedModelFolder.DataRequestOf(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
