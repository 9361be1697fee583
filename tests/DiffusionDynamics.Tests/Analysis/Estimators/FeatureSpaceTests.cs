using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class FeatureSpaceTests
{
    private static Dataset Gaussian(string spectrum, int d, int n, long seed, bool rotate = true) =>
        DataSource.Parse($"gaussian:d={d},n={n},spectrum={spectrum},rotate={(rotate ? "true" : "false")},seed={seed}");

    [Fact]
    public void Pca_OfTheFittedData_HasZeroMeanAndTheTopEigenvaluesAsCovariance()
    {
        var data = Gaussian("9;4;1;0.5;0.1;0.01", 6, 800, 1);
        using var pca = new PcaFeatureSpace(data, 3);
        using var f = FeatureSpace.MapAll(pca, data);
        Assert.Equal([800L, 3L], f.shape);
        // In the fitted basis the (1/n) covariance is diag(λ_1..λ_3) and the mean 0, up to float32 data round-off (≈ 1e-6 relative).
        var mean = f.mean([0]);
        Assert.True(mean.abs().max().item<double>() < 1e-5);
        var cov = f.t().mm(f) / 800.0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(i == j ? pca.Eigenvalues[i] : 0.0, cov[i, j].item<double>(), 4);
        Assert.True(pca.ExplainedVarianceFraction > 0.9 && pca.ExplainedVarianceFraction < 1);
    }

    [Fact]
    public void PcaFd_NeverExceedsTheFdOfTheRawCoordinates()
    {
        // An orthogonal projection is 1-Lipschitz, and the FD is the W₂² of Gaussians, which such a map cannot increase.
        var reference = Gaussian("5;3;1;1;0.5", 5, 600, 2);
        var other = DataSource.Parse("gaussian:d=5,n=400,spectrum=2;2;2;1;1,rotate=false,seed=3");
        using var pca = new PcaFeatureSpace(reference, 2);
        using var id = new IdentityFeatureSpace(5);
        double fdPca = FrechetDistance.Between(FeatureSpace.MapAll(pca, other), FeatureSpace.MapAll(pca, reference));
        double fdId = FrechetDistance.Between(FeatureSpace.MapAll(id, other), FeatureSpace.MapAll(id, reference));
        Assert.True(fdPca <= fdId + 1e-12, $"{fdPca} > {fdId}");
        Assert.True(fdPca > 0);
    }

    [Fact]
    public void Identity_MapsToFloat64Copies()
    {
        var data = Gaussian("1;2", 2, 10, 4, rotate: false);
        using var id = new IdentityFeatureSpace(2);
        using var x = data.ToTensor();
        using var f = id.Map(x);
        Assert.Equal(ScalarType.Float64, f.dtype);
        Assert.Equal(0.0, (f - x.to_type(ScalarType.Float64)).abs().max().item<double>());
    }

    [Fact]
    public void Cnn_EmbedsLabelledImages_In64Features()
    {
        var data = new DataRequest("builtin", Count: 200).Load();
        using var cnn = FeatureSpace.Create(new FeatureSpaceOptions(FeatureSpaceKind.Cnn, Cnn: new DiffusionDynamics.Neural.CnnClassifierOptions(Epochs: 1)), data, data);
        using var f = FeatureSpace.MapAll(cnn, data);
        Assert.Equal([200L, 64L], f.shape);
        Assert.True(f.isfinite().all().item<bool>());
        Assert.True(FrechetDistance.Between(f, f) < 1e-12);
    }

    [Fact]
    public void Create_CapsThePcaComponentsAtTheReferenceRank_AndParsesTheCliText()
    {
        var small = Gaussian("1;1;1", 3, 20, 5);
        using var f = FeatureSpace.Create(FeatureSpaceOptions.Parse("pca:64"), small, small);
        Assert.Equal(3, f.Dimension);
        Assert.Equal(new FeatureSpaceOptions(FeatureSpaceKind.Pca, 16), FeatureSpaceOptions.Parse("PCA:16"));
        Assert.Equal(FeatureSpaceKind.Identity, FeatureSpaceOptions.Parse("identity").Kind);
        Assert.Equal(32, FeatureSpaceOptions.Parse("pca").Components);
    }

    [Theory]
    [InlineData("pca:0")]
    [InlineData("pca:x")]
    [InlineData("inception")]
    [InlineData("")]
    public void Parse_RejectsOtherText(string text)
    {
        Assert.Equal("text", Assert.Throws<ArgumentException>(() => FeatureSpaceOptions.Parse(text)).ParamName);
    }

    [Fact]
    public void BadInputs_ThrowArgumentException()
    {
        var vectors = Gaussian("1;1", 2, 20, 6);
        Assert.Throws<ArgumentException>(() => FeatureSpace.Create(new FeatureSpaceOptions(FeatureSpaceKind.Cnn), vectors, vectors));
        Assert.Equal("components", Assert.Throws<ArgumentOutOfRangeException>(() => new PcaFeatureSpace(vectors, 3)).ParamName);
        Assert.Equal("Components", Assert.Throws<ArgumentOutOfRangeException>(() => new FeatureSpaceOptions(Components: 0).Validate()).ParamName);
        var other = Gaussian("1;1;1", 3, 20, 7);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => FeatureSpace.Create(new FeatureSpaceOptions(), vectors, other)).ParamName);
        using var pca = new PcaFeatureSpace(vectors, 1);
        Assert.Throws<ArgumentException>(() => pca.Map(torch.zeros(4, 3)));
        Assert.Throws<ArgumentException>(() => pca.Map(torch.full([4, 2], float.NaN)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IdentityFeatureSpace(0));
    }
}
