using System.Text.Json;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Tests.Scores;

public class OnnxModelOptionsTests
{
    [Fact]
    public void Defaults_FollowDiffusers()
    {
        var o = new OnnxModelOptions { ModelPath = "m.onnx" };
        Assert.Equal("sample", o.SampleInput);
        Assert.Equal("timestep", o.TimestepInput);
        Assert.Null(o.Prediction);
        Assert.Null(o.Schedule);
        Assert.Equal(1000, o.TrainSteps);
        Assert.Equal(1e-4, o.BetaStart);
        Assert.Equal(0.02, o.BetaEnd);
        Assert.Equal(OnnxTimestepMapping.Nearest, o.Mapping);
        Assert.Empty(o.ExtraInputs);
    }

    [Fact]
    public void Json_RoundTripsEveryField()
    {
        var o = new OnnxModelOptions
        {
            ModelPath = "models/unet.onnx", SampleInput = "x", TimestepInput = "t", Output = "eps", ItemShape = [1, 8, 8],
            Prediction = OnnxPrediction.V, Schedule = OnnxScheduleKind.Table, SchedulePath = "scheduler_config.json",
            TableKind = ScheduleTableKind.AlphaBars, TrainSteps = 500, BetaStart = 0.00085, BetaEnd = 0.012, CosineOffset = 0.01,
            VpBetaMin = 0.2, VpBetaMax = 10, VpTimeScale = 999, EdmPreconditioning = EdmPreconditioning.RawNetwork, SigmaData = 1.0,
            Mapping = OnnxTimestepMapping.Interpolate, ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [3], ["w"] = [0.5, 1.5] },
            Threads = 2, MaxChunkElements = 4096,
        };
        string json = o.ToJson();
        Assert.Contains("\"prediction\": \"V\"", json);
        Assert.Contains("\"mapping\": \"Interpolate\"", json);
        var back = OnnxModelOptions.FromJson(json);
        Assert.Equal(o, back);
        Assert.Equal(json, back.ToJson());
        Assert.NotEqual(o, back with { ExtraInputs = new Dictionary<string, double[]> { ["class_labels"] = [4], ["w"] = [0.5, 1.5] } });
        Assert.NotEqual(o, back with { ItemShape = [1, 8, 9] });
    }

    [Fact]
    public void Json_WithoutModelPath_IsRejected()
    {
        Assert.ThrowsAny<JsonException>(() => OnnxModelOptions.FromJson("""{"sampleInput": "x"}"""));
    }

    [Fact]
    public void Values_AreRangeChecked()
    {
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = " " });
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = "m", SampleInput = "" });
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = "m", ItemShape = [0, 4] });
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = "m", ItemShape = [] });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { ModelPath = "m", TrainSteps = 1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { ModelPath = "m", BetaEnd = 1.0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { ModelPath = "m", SigmaData = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { ModelPath = "m", Threads = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxModelOptions { ModelPath = "m", MaxChunkElements = 0 });
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = "m", ExtraInputs = new Dictionary<string, double[]> { ["y"] = [] } });
        Assert.Throws<ArgumentException>(() => new OnnxModelOptions { ModelPath = "m", ExtraInputs = new Dictionary<string, double[]> { ["y"] = [double.NaN] } });
    }

    [Fact]
    public void Validate_RejectsImpossibleCombinations()
    {
        var o = new OnnxModelOptions { ModelPath = "m.onnx" };
        Assert.Contains("missing clock option", Assert.Throws<ArgumentException>(() => (o with { Schedule = OnnxScheduleKind.Table }).Validate()).Message);
        Assert.Throws<ArgumentException>(() => (o with { Schedule = OnnxScheduleKind.VpSde, SchedulePath = "s.json" }).Validate());
        Assert.Throws<ArgumentException>(() => (o with { VpBetaMin = 5, VpBetaMax = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (o with { Schedule = OnnxScheduleKind.Edm, Prediction = OnnxPrediction.V }).Validate());
        Assert.Throws<ArgumentException>(() => (o with { Schedule = OnnxScheduleKind.Edm, EdmPreconditioning = EdmPreconditioning.RawNetwork, Prediction = OnnxPrediction.Epsilon }).Validate());
        Assert.Same(o, o.Validate());
    }

    [Fact]
    public void ExtraInputs_AreCopiedOnSet()
    {
        var values = new double[] { 1 };
        var o = new OnnxModelOptions { ModelPath = "m", ExtraInputs = new Dictionary<string, double[]> { ["y"] = values } };
        values[0] = 2;
        Assert.Equal(1, o.ExtraInputs["y"][0]);
    }
}
