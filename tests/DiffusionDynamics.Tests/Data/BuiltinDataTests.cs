using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class BuiltinDataTests
{
    [Fact]
    public void Builtin_Train_Has2000TrousersAnd2000Sneakers()
    {
        var data = BuiltinData.Load();
        Assert.Equal(4000, data.Count);
        Assert.Equal(2000, data.CountOf(1));
        Assert.Equal(2000, data.CountOf(7));
        Assert.Equal([1, 7], data.Classes());
        Assert.Equal([1, 28, 28], data.ItemShape);
        Assert.Equal("fashion-mnist:trouser,sneaker", data.Name);
        var values = data.ToArray();
        Assert.Equal(0, values.Min());
        Assert.Equal(255, values.Max());
        Assert.True(values.All(v => v == MathF.Round(v)), "pixels must be integers");
    }

    [Fact]
    public void Builtin_Test_Has500OfEachClass()
    {
        var data = BuiltinData.Load(BuiltinSplit.Test);
        Assert.Equal(1000, data.Count);
        Assert.Equal(500, data.CountOf(1));
        Assert.Equal(500, data.CountOf(7));
    }

    [Fact]
    public void Builtin_Describe_NamesOriginAndLicence()
    {
        Assert.Contains("Zalando", BuiltinData.Describe);
        Assert.Contains("dataset-fashion-mnist", BuiltinData.Describe);
        Assert.Contains("MIT", BuiltinData.Describe);
    }

    [Fact]
    public void Builtin_Extract_FromDebianPackage_ReproducesEmbeddedData()
    {
        using var dir = new TempDirectory();
        BuiltinData.Extract(BuiltinData.DebianDirectory, dir.Path);
        foreach (var split in new[] { BuiltinSplit.Train, BuiltinSplit.Test })
        {
            var (images, labels) = BuiltinData.FileNames(split);
            var extracted = IdxReader.ReadDataset(Path.Combine(dir.Path, images), Path.Combine(dir.Path, labels));
            var embedded = BuiltinData.Load(split);
            Assert.Equal(embedded.ToArray(), extracted.ToArray());
            Assert.Equal(embedded.Labels, extracted.Labels);
        }
    }

    [Fact]
    public void Builtin_Train_IsTheFirstTrousersAndSneakersOfTheDebianTrainSet()
    {
        string dir = BuiltinData.DebianDirectory;
        var labels = IdxReader.ReadLabels(Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        var images = IdxReader.ReadImages(Path.Combine(dir, "train-images-idx3-ubyte.gz"));
        int first = Array.IndexOf(labels, 1) < Array.IndexOf(labels, 7) ? Array.IndexOf(labels, 1) : Array.IndexOf(labels, 7);
        var data = BuiltinData.Load();
        Assert.Equal(labels[first], data.Labels![0]);
        Assert.Equal(images.Image(first).ToArray().Select(b => (float)b), data.Row(0).ToArray());
    }
}
