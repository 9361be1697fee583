using DiffusionDynamics.Data;
using DiffusionDynamics.Scores.Onnx;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>The words a user types for an ONNX model become <see cref="OnnxModelOptions"/> in the library; bad words name their field.</summary>
public class OnnxModelRequestTests
{
    [Fact]
    public void Words_BecomeTheOptions()
    {
        var o = new OnnxModelRequest
        {
            Prediction = "v", Schedule = "ddpm-cosine", Mapping = "interpolate", TrainSteps = 500, ItemShape = "1,8,8",
            ClassLabel = 3, ExtraInputs = ["scale=0.5,2"],
        }.ToOptions("m.onnx");
        Assert.Equal(OnnxPrediction.V, o.Prediction);
        Assert.Equal(OnnxScheduleKind.DdpmCosine, o.Schedule);
        Assert.Equal(OnnxTimestepMapping.Interpolate, o.Mapping);
        Assert.Equal(500, o.TrainSteps);
        Assert.Equal([1, 8, 8], o.ItemShape!);
        Assert.Equal([3.0], o.ExtraInputs["class_labels"]);
        Assert.Equal([0.5, 2.0], o.ExtraInputs["scale"]);
    }

    [Fact]
    public void AScheduleThatIsNotAKeyword_IsATableFile()
    {
        var o = new OnnxModelRequest { Schedule = "sched.json" }.ToOptions("m.onnx");
        Assert.Equal(OnnxScheduleKind.Table, o.Schedule);
        Assert.Equal("sched.json", o.SchedulePath);
    }

    [Theory]
    [InlineData("Prediction")]
    [InlineData("Mapping")]
    [InlineData("ItemShape")]
    [InlineData("ExtraInputs")]
    public void MalformedWords_NameTheirField(string field)
    {
        var request = field switch
        {
            "Prediction" => new OnnxModelRequest { Prediction = "noise" },
            "Mapping" => new OnnxModelRequest { Mapping = "linear" },
            "ItemShape" => new OnnxModelRequest { ItemShape = "1,0,8" },
            _ => new OnnxModelRequest { ExtraInputs = ["scale"] },
        };
        var e = Assert.Throws<ArgumentException>(() => request.ToOptions("m.onnx"));
        Assert.Equal(field, e.ParamName);
        Assert.True(OptionMessage.TryRender(e, n => "--" + n, out var shown) && shown.StartsWith("--" + field), shown);
    }
}
