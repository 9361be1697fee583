using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class DenoiserFactoryTests
{
    private static Dataset Points() => new(MixtureDenoiserTests.Flatten(MixtureDenoiserTests.RoundToFloat(RandomMatrix(30, 4, 31))), 30, 4, name: "points");

    private static double MaxDiff(IDenoiser a, IDenoiser b, double t)
    {
        using var x = torch.tensor(RandomMatrix(5, a.Dimension, 32));
        using var da = a.Denoise(x, t);
        using var db = b.Denoise(x, t);
        return (da - db).abs().max().item<double>();
    }

    [Fact]
    public void ExactSources_BuildTheSameDenoisersAsTheirConstructors()
    {
        // Same constructor calls underneath: bit-identical outputs.
        var data = Points();
        var f = DenoiserFactory.Exact;
        using (var built = (EmpiricalDenoiser)f.Create(DenoiserSpec.Empirical(Precision.Float64), data))
        using (var direct = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64)))
        {
            Assert.Equal(Precision.Float64, built.Precision);
            Assert.Equal(0.0, MaxDiff(built, direct, 0.3));
        }
        using (var built = (GaussianDenoiser)f.Create(DenoiserSpec.Gaussian(rank: 2), data))
        using (var direct = GaussianDenoiser.FromData(data, 2))
        {
            Assert.Equal(2, built.Rank);
            Assert.Equal(0.0, MaxDiff(built, direct, 0.3));
        }
        var mixture = new MixtureOptions(Components: 3, Seed: 4);
        using (var built = (MixtureDenoiser)f.Create(DenoiserSpec.MixtureOf(mixture), data))
        using (var direct = MixtureDenoiser.Fit(data, mixture))
            Assert.Equal(0.0, MaxDiff(built, direct, 0.3));
    }

    [Fact]
    public void TwoClusterAndAnalytic_UseTheGeneratorsTruth()
    {
        var truth = (TwoClusterData)new TwoClusterSpec(5, 40, Mu: 1.0, Sigma: 0.5).Generate(2);
        using var m = torch.tensor(truth.M);
        using var direct = new TwoClusterDenoiser(m, 0.5);
        using (var built = DenoiserFactory.Exact.Create(DenoiserSpec.TwoCluster(), truth.Data, truth) as TwoClusterDenoiser)
            Assert.Equal(0.0, MaxDiff(built!, direct, 0.4));
        using (var built = DenoiserFactory.Exact.Create(DenoiserSpec.Analytic(), truth.Data, truth) as TwoClusterDenoiser)
            Assert.Equal(0.0, MaxDiff(built!, direct, 0.4));

        var gaussian = (GaussianData)new GaussianSpec(3, 50, [4.0, 1.0, 0.25]).Generate(3);
        using var g = (GaussianDenoiser)DenoiserFactory.Exact.Create(DenoiserSpec.Analytic(), gaussian.Data, gaussian);
        Assert.Equal(new[] { 4.0, 1.0, 0.25 }, g.Eigenvalues.Select(v => Math.Round(v, 12)));

        var e = Assert.Throws<ArgumentException>(() => DenoiserFactory.Exact.Create(DenoiserSpec.TwoCluster(), Points()));
        Assert.Equal("truth", e.ParamName);
        Assert.Equal("truth", Assert.Throws<ArgumentException>(() => DenoiserFactory.Exact.Create(DenoiserSpec.Analytic(), Points())).ParamName);
    }

    [Fact]
    public void Spec_RoundTripsThroughJson()
    {
        foreach (var spec in new[]
                 {
                     DenoiserSpec.Empirical(Precision.Float64), DenoiserSpec.Gaussian(7), DenoiserSpec.MixtureOf(new MixtureOptions(50, MixtureCovariance.Isotropic, Seed: 9)),
                     DenoiserSpec.TwoCluster(), DenoiserSpec.Analytic(), DenoiserSpec.Trained("runs/train-1", ema: false), DenoiserSpec.Imported("model.onnx"),
                 })
        {
            string json = spec.ToJson();
            Assert.Equal(spec, DenoiserSpec.FromJson(json));
        }
        Assert.Contains("\"kind\": \"Mixture\"", DenoiserSpec.MixtureOf().ToJson());
    }

    [Theory]
    [InlineData("{\"kind\": \"Gaussian\", \"rank\": 0}", "Rank")]
    [InlineData("{\"kind\": \"Empirical\", \"rank\": 3}", "Rank")]
    [InlineData("{\"kind\": \"Trained\"}", "Path")]
    [InlineData("{\"kind\": \"Gaussian\", \"path\": \"x\"}", "Path")]
    [InlineData("{\"kind\": \"Gaussian\", \"precision\": \"Float64\"}", "Precision")]
    [InlineData("{\"kind\": \"Empirical\", \"mixture\": {\"components\": 3}}", "Mixture")]
    [InlineData("{\"kind\": \"Mixture\", \"mixture\": {\"components\": 0}}", "Components")]
    [InlineData("{\"kind\": \"Empirical\", \"ema\": false}", "Ema")]
    [InlineData("{\"kind\": \"Nope\"}", "json")]
    public void Spec_Validation_NamesTheBadValue(string json, string name)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => DenoiserSpec.FromJson(json));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void KindsWithoutSource_AreNotSupported_AndSourcesCanBeAdded()
    {
        Assert.DoesNotContain(DenoiserKind.Imported, DenoiserFactory.Exact.Kinds);
        Assert.Throws<NotSupportedException>(() => DenoiserFactory.Exact.Create(DenoiserSpec.Imported("m.onnx"), Points()));
        var withImport = DenoiserFactory.Exact.With(new FakeImport());
        using var built = (GaussianDenoiser)withImport.Create(DenoiserSpec.Imported("m.onnx"), Points());
        Assert.Equal(4, built.Dimension);
        Assert.DoesNotContain(DenoiserKind.Imported, DenoiserFactory.Exact.Kinds); // immutable
    }

    [Fact]
    public void Create_ChecksTheDimensionOfTheSourcesResult()
    {
        var wrong = DenoiserFactory.Exact.With(new FakeImport(d: 3));
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => wrong.Create(DenoiserSpec.Imported("m.onnx"), Points())).ParamName);
    }

    private sealed class FakeImport(int d = 4) : IDenoiserSource
    {
        public DenoiserKind Kind => DenoiserKind.Imported;

        public IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth) =>
            GaussianDenoiser.Isotropic(torch.zeros(d, dtype: ScalarType.Float64), 1.0);
    }
}
