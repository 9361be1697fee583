using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class PreprocessTests
{
    private static Dataset Labelled() =>
        new(Enumerable.Range(0, 20).Select(i => (float)i).ToArray(), 10, 2, [3, 5, 3, 5, 3, 5, 9, 3, 5, 3]);

    [Fact]
    public void Centre_GivesZeroMeanAndReturnsTheMean()
    {
        var data = new TwoClusterSpec(8, 500, 2, 0.5).Generate(1).Data;
        var centred = data.Centre(out var mean);
        Assert.Equal(data.Mean(), mean);
        Assert.All(centred.Mean(), m => Assert.Equal(0, m, 1e-5));
        Assert.StartsWith("centre", centred.Preprocessing[^1]);
        Assert.Empty(data.Preprocessing);
    }

    [Fact]
    public void ScaleToRange_MapsPixelsLikeDdpm()
    {
        var data = new Dataset([0, 127.5f, 255, 51], 2, 2);
        var scaled = data.ScaleToRange();
        Assert.Equal([-1f, 0, 1, 51 / 127.5f - 1], scaled.ToArray());
        Assert.Contains("pixel range [0, 255]", scaled.Preprocessing[^1]);
    }

    [Fact]
    public void ScaleToRange_KeepsUnitAndSignedUnitImagesInTheirOwnScale()
    {
        var unit = new Dataset([0, 0.5f, 1, 0.25f], 4, 1).ScaleToRange();
        Assert.Equal([-1f, 0, 1, -0.5f], unit.ToArray());
        Assert.Contains("unit range [0, 1]", unit.Preprocessing[^1]);
        var signed = new Dataset([-1, 0.5f, 1, -0.25f], 4, 1).ScaleToRange();
        Assert.Equal([-1f, 0.5f, 1, -0.25f], signed.ToArray());
    }

    [Fact]
    public void ScaleToRange_UsesDataRangeOutsidePixelsAndRecordsIt()
    {
        var data = new Dataset([-3, 1, 5, 2], 4, 1);
        var scaled = data.ScaleToRange(0, 1);
        Assert.Equal([0f, 0.5f, 1, 0.625f], scaled.ToArray());
        Assert.Contains("data range [-3, 5]", scaled.Preprocessing[^1]);
        Assert.Equal([-1f, 1, 3, 1.5f], new Dataset([0, 0.5f, 1, 0.625f], 4, 1).ScaleToRange(sourceMin: 0, sourceMax: 0.5).ToArray());
        Assert.Throws<ArgumentException>(() => new Dataset([300, 300], 2, 1).ScaleToRange());
        Assert.Throws<ArgumentException>(() => data.ScaleToRange(1, 1));
    }

    [Fact]
    public void FilterClasses_KeepsOnlyRequestedClassesInOrder()
    {
        var filtered = Labelled().FilterClasses(5, 9);
        Assert.Equal([5, 5, 5, 9, 5], filtered.Labels!);
        Assert.Equal([2f, 3], filtered.Row(0).ToArray());
        Assert.Contains("kept 5 of 10", filtered.Preprocessing[^1]);
    }

    [Fact]
    public void FilterClasses_AbsentClassOrNoLabels_Throws()
    {
        Assert.Contains("Class 4 is absent", Assert.Throws<ArgumentException>(() => Labelled().FilterClasses(3, 4)).Message);
        Assert.Throws<ArgumentException>(() => new Dataset([1, 2], 2, 1).FilterClasses(0));
        Assert.Throws<ArgumentException>(() => Labelled().FilterClasses());
    }

    [Fact]
    public void SubsamplePerClass_GivesExactCountsAndIsSeedDeterministic()
    {
        var data = Labelled().FilterClasses(3, 5);
        var a = data.SubsamplePerClass(3, seed: 11);
        Assert.Equal(3, a.CountOf(3));
        Assert.Equal(3, a.CountOf(5));
        Assert.Equal(a.ToArray(), data.SubsamplePerClass(3, seed: 11).ToArray());
        var draws = Enumerable.Range(0, 20).Select(s => string.Join(",", data.SubsamplePerClass(3, s).ToArray())).Distinct().Count();
        Assert.True(draws > 1, "different seeds should give different subsamples");
        Assert.Contains("fewer than the 3", Assert.Throws<ArgumentException>(() => Labelled().SubsamplePerClass(3, 0)).Message);
    }

    [Fact]
    public void Subsample_KeepsOrderAndIsSeedDeterministic()
    {
        var data = new Dataset(Enumerable.Range(0, 100).Select(i => (float)i).ToArray(), 100, 1);
        var s = data.Subsample(10, 5).ToArray();
        Assert.Equal(10, s.Distinct().Count());
        Assert.Equal(s.Order(), s);
        Assert.Equal(s, data.Subsample(10, 5).ToArray());
        Assert.Throws<ArgumentException>(() => data.Subsample(101, 0));
        Assert.Throws<ArgumentException>(() => data.Subsample(0, 0));
    }

    [Fact]
    public void Downsample_AveragePoolsAKnownImage()
    {
        // One 2-channel 2×4 image.
        float[] image = [1, 2, 3, 4, 5, 6, 7, 8, /* channel 1 */ 0, 0, 4, 4, 0, 0, 4, 8];
        var data = new Dataset(image, 1, 16, [1], [2, 2, 4]);
        var down = data.Downsample(2);
        Assert.Equal([2, 1, 2], down.ItemShape);
        Assert.Equal([3.5f, 5.5f, 0, 5], down.ToArray());
        Assert.Equal([1], down.Labels!);
        Assert.Contains("2×4 → 1×2", down.Preprocessing[^1]);
    }

    [Fact]
    public void Downsample_IndivisibleOrNotImage_Throws()
    {
        Assert.Contains("not divisible", Assert.Throws<ArgumentException>(() => new Dataset(new float[9], 1, 9, null, [1, 3, 3]).Downsample(2)).Message);
        Assert.Contains("image", Assert.Throws<ArgumentException>(() => new Dataset(new float[4], 1, 4).Downsample(2)).Message);
        Assert.Throws<ArgumentException>(() => new Dataset(new float[4], 1, 4, null, [1, 2, 2]).Downsample(0));
    }

    [Fact]
    public void Relabel_MapsToConsecutiveIntegersAndRecordsTheMap()
    {
        var r = Labelled().Relabel(out var classes);
        Assert.Equal([3, 5, 9], classes);
        Assert.Equal([0, 1, 0, 1, 0, 1, 2, 0, 1, 0], r.Labels!);
        Assert.Equal("relabel 3→0, 5→1, 9→2", r.Preprocessing[^1]);
    }

    [Fact]
    public void Preprocessing_RecordAccumulatesInOrder()
    {
        var data = BuiltinData.Load(BuiltinSplit.Test).FilterClasses(7).Downsample(2).ScaleToRange();
        Assert.Equal(3, data.Preprocessing.Count);
        Assert.StartsWith("filter", data.Preprocessing[0]);
        Assert.StartsWith("downsample", data.Preprocessing[1]);
        Assert.StartsWith("scale", data.Preprocessing[2]);
        Assert.Equal(BuiltinData.Name, data.Name);
        Assert.InRange(data.ToArray().Min(), -1f, -0.99f);
    }
}
