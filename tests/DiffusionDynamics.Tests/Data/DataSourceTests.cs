using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class DataSourceTests
{
    [Fact]
    public void Parse_TwoClusterSpec_GeneratesRequestedData()
    {
        var data = DataSource.Parse("two-cluster:d=256,n=200,mu=1,sigma=1,seed=0");
        Assert.Equal((200, 256), (data.Count, data.Dimension));
        Assert.NotNull(data.Labels);
        var truth = Assert.IsType<TwoClusterData>(DataSource.Generate("two-cluster:d=256,n=200"));
        Assert.Equal(256, truth.MeanNormSquared, 12);
        Assert.Equal(data.ToArray(), truth.Data.ToArray());
    }

    [Theory]
    [InlineData("gaussian:d=3,n=5,spectrum=4;1;0.5", new[] { 4, 1, 0.5 })]
    [InlineData("gaussian:d=4,n=5,spectrum=1x4;rest1", new[] { 4, 1, 1, 1.0 })]
    [InlineData("gaussian:d=3,n=5,spectrum=geometric:4:0.5", new[] { 4, 2, 1.0 })]
    [InlineData("gaussian:d=3,n=5,spectrum=2x2;0", new[] { 2, 2, 0.0 })]
    public void Parse_GaussianSpectrumGrammar(string spec, double[] spectrum)
    {
        var g = Assert.IsType<GaussianData>(DataSource.Generate(spec));
        Assert.Equal(spectrum, g.Spec.Spectrum);
        Assert.Null(g.Basis);
    }

    [Fact]
    public void Parse_ManifoldSpec_ReadsStdsSphereAndDefaults()
    {
        var m = Assert.IsType<LinearManifoldData>(DataSource.Generate("manifold:d=30,n=100,stds=2x1;5x0.3;rest0.01,sphere=true"));
        Assert.Equal(LinearManifoldSpec.Standard().Stds, m.Spec.Stds);
        Assert.True(m.Spec.Sphere);
        var d = Assert.IsType<LinearManifoldData>(DataSource.Generate("manifold:d=30,n=100"));
        Assert.Equal(m.Spec.Stds, d.Spec.Stds);
    }

    [Fact]
    public void Parse_PointsAndCircle()
    {
        Assert.Equal([-1f, 1], DataSource.Parse("points:-1,1").ToArray());
        var circle = DataSource.Parse("circle:n=64,r=1");
        Assert.Equal((64, 2), (circle.Count, circle.Dimension));
    }

    [Theory]
    [InlineData("two-cluster:d=0,n=10", "d = 0")]
    [InlineData("two-cluster:d=4,n=0", "n = 0")]
    [InlineData("two-cluster:d=4,n=10,sigma=-1", "sigma = -1")]
    [InlineData("two-cluster:d=4,n=10,mu=NaN", "mu=NaN")]
    [InlineData("two-cluster:d=4,n=10,foo=1", "unknown key 'foo'")]
    [InlineData("two-cluster:n=10", "needs d=")]
    [InlineData("two-cluster:d=4,d=5,n=10", "twice")]
    [InlineData("two-cluster:d=four,n=10", "not an integer")]
    [InlineData("gaussian:d=3,n=5,spectrum=4,1,1", "separated by ';'")]
    [InlineData("gaussian:d=3,n=5,spectrum=4;1", "gives 2 values but d = 3")]
    [InlineData("gaussian:d=3,n=5,spectrum=4;-1;1", "out of range")]
    [InlineData("manifold:d=30,n=5,sphere=maybe", "not true or false")]
    [InlineData("manifold:d=3,n=5", "needs stds=")]
    [InlineData("circle:n=5,r=-1", "r = -1")]
    [InlineData("points:1,x", "points=x")]
    [InlineData("no-such-thing:1", "neither an existing file")]
    [InlineData("/no/such/file.npy", "neither an existing file")]
    public void Parse_BadSpec_ThrowsOneClearArgumentException(string spec, string fragment)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => DataSource.Parse(spec));
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain("(Parameter", e.Message);
    }

    [Fact]
    public void Parse_LabelsPathForSyntheticData_Throws() =>
        Assert.Throws<ArgumentException>(() => DataSource.Parse("points:1,2", "labels.npy"));

    [Fact]
    public void Parse_FilesByExtensionAndByMagic()
    {
        using var dir = new TempDirectory();
        var data = new Dataset([0, 1, 2, 3, 4, 5, 6, 255], 2, 4, [1, 7], [1, 2, 2]);

        IdxWriter.WriteDataset(data, dir.File("images.bin"), dir.File("labels.bin"), gzip: true);
        var idx = DataSource.Parse(dir.File("images.bin"), dir.File("labels.bin"));
        Assert.Equal(data.ToArray(), idx.ToArray());
        Assert.Equal([1, 7], idx.Labels!);
        Assert.Equal([1, 2, 2], idx.ItemShape);

        Npy.WriteDataset(data, dir.File("x.npy"), dir.File("y.npy"));
        File.Copy(dir.File("x.npy"), dir.File("x-no-extension"));
        Assert.Equal([1, 7], DataSource.Parse(dir.File("x.npy"), dir.File("y.npy")).Labels!);
        Assert.Equal([1, 2, 2], DataSource.Parse(dir.File("x-no-extension")).ItemShape);
        Assert.Equal([1, 7], DataSource.Parse(dir.File("x.npy"), dir.File("labels.bin")).Labels!); // IDX labels for .npy data

        Npz.Write(dir.File("d.npz"), new Dictionary<string, NpyArray> { ["x"] = new(data.ToArray(), [2, 4]), ["y"] = new(new[] { 1, 7 }, [2]) });
        Assert.Equal([1, 7], DataSource.Parse(dir.File("d.npz")).Labels!);

        Csv.Write(dir.File("d.csv"), data);
        var csv = DataSource.Parse(dir.File("d.csv") + "#label=label");
        Assert.Equal([1, 7], csv.Labels!);
        Assert.Equal(data.ToArray(), csv.ToArray());
        Assert.Equal([1, 7], DataSource.Parse(dir.File("d.csv") + "#label=-1").Labels!);

        File.WriteAllText(dir.File("few.csv"), "1\n");
        var e = Assert.Throws<DataFormatException>(() => DataSource.Parse(dir.File("x.npy"), dir.File("few.csv")));
        Assert.Contains("1 labels", e.Message);

        File.WriteAllText(dir.File("junk.bin"), "hello");
        Assert.Contains("unrecognised format", Assert.Throws<DataFormatException>(() => DataSource.Parse(dir.File("junk.bin"))).Message);
    }

    [Fact]
    public void ParseList_And_FormatList_RoundTrip()
    {
        double[] values = [1, 1, 0.3, 0.3, 0.3, 0.01];
        string text = DataSource.FormatList(values);
        Assert.Equal("2x1;3x0.3;0.01", text);
        Assert.Equal(values, DataSource.ParseList(text, 6));
    }

    [Fact]
    public void Parse_Builtin_LoadsTrainAndTestSplits()
    {
        Assert.Equal(4000, DataSource.Parse("builtin").Count);
        Assert.Equal(1000, DataSource.Parse("builtin:test").Count);
    }
}
