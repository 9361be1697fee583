using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class BuiltinFashion10Tests
{
    [Fact]
    public void Fashion10_Train_Has500OfEachOfTenClasses()
    {
        var data = DataSource.Parse("builtin:fashion10");
        Assert.Equal(5000, data.Count);
        Assert.Equal(Enumerable.Range(0, 10).ToArray(), data.Classes());
        Assert.All(data.Classes(), c => Assert.Equal(500, data.CountOf(c)));
        Assert.Equal([1, 28, 28], data.ItemShape);
        Assert.Equal(BuiltinFashion10.Name, data.Name);
    }

    [Fact]
    public void Fashion10_Test_Has100OfEachClass()
    {
        var data = DataSource.Parse("builtin:fashion10:test");
        Assert.Equal(1000, data.Count);
        Assert.All(data.Classes(), c => Assert.Equal(100, data.CountOf(c)));
    }

    [Fact]
    public void Fashion10_Extract_FromDebianPackage_ReproducesEmbeddedData()
    {
        if (!Directory.Exists(BuiltinData.DebianDirectory)) return; // dataset-fashion-mnist not installed here
        using var dir = new TempDirectory();
        BuiltinFashion10.Extract(BuiltinData.DebianDirectory, dir.Path);
        foreach (var split in new[] { BuiltinSplit.Train, BuiltinSplit.Test })
        {
            var (images, labels) = BuiltinFashion10.FileNames(split);
            var extracted = IdxReader.ReadDataset(Path.Combine(dir.Path, images), Path.Combine(dir.Path, labels));
            var embedded = BuiltinFashion10.Load(split);
            Assert.Equal(embedded.ToArray(), extracted.ToArray());
            Assert.Equal(embedded.Labels, extracted.Labels);
        }
    }

    [Fact]
    public void Fashion10_WithLabelsFile_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => DataSource.Parse("builtin:fashion10", "labels.idx"));
        Assert.Equal("labelsPath", e.ParamName);
    }
}
