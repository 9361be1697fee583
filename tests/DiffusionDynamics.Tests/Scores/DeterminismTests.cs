using DiffusionDynamics.Analysis;
using DiffusionDynamics.Backend;
using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>
/// The same numbers on any thread count and any batch size (README, Reliability): the exact empirical denoiser at
/// large n, the nearest-neighbour distances, and the trained (MLP and U-Net) denoisers, compared bit for bit.
/// </summary>
[Collection(RunAloneCollection.Name)]
public class DeterminismTests
{
    /// <summary>Runs <paramref name="f"/> with 1 and with 2 intra-op threads and returns both results.</summary>
    private static (float[] One, float[] Two) OnOneAndTwoThreads(Func<Tensor> f)
    {
        int before = torch.get_num_threads();
        try
        {
            torch.set_num_threads(1);
            using var a = f();
            var one = a.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            torch.set_num_threads(2);
            using var b = f();
            var two = b.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
            return (one, two);
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [Fact]
    public void TheRuntime_AsksOneMklForStrictReproducibility()
    {
        Assert.Equal("AUTO,STRICT", TorchRuntime.NativeSettings.GetValueOrDefault("MKL_CBWR", Environment.GetEnvironmentVariable("MKL_CBWR") ?? ""));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(1)]
    public void EmpiricalDenoiser_AtLargeN_IsBitIdentical_OnOneAndTwoThreads(int batch)
    {
        var data = DataSource.Parse("two-cluster:d=2,n=100000");
        using var denoiser = new EmpiricalDenoiser(data);
        using var x = torch.randn([batch, 2], generator: torch.manual_seed(3));
        foreach (double t in new[] { 0.02, 0.3, 2.0 })
        {
            var (one, two) = OnOneAndTwoThreads(() => denoiser.Denoise(x, t));
            Assert.Equal(one, two);
        }
    }

    [Fact]
    public void NearestNeighbourDistances_AreBitIdentical_OnOneAndTwoThreads_AndExactForACopy()
    {
        var data = DataSource.Parse("builtin");
        using var a = data.ToTensor();
        using var x = a.narrow(0, 5, 8).clone(); // copies of training points: d₁ = 0 exactly
        int before = torch.get_num_threads();
        NearestNeighbourResult r1, r2;
        try
        {
            torch.set_num_threads(1);
            r1 = NearestNeighbours.Find(x, a);
            torch.set_num_threads(2);
            r2 = NearestNeighbours.Find(x, a);
        }
        finally
        {
            torch.set_num_threads(before);
        }
        Assert.All(r1.NearestDistance, d => Assert.Equal(0.0, d));
        Assert.Equal(r1.SecondDistance, r2.SecondDistance);
    }

    public static TheoryData<string> Networks => new() { "mlp", "unet" };

    [Theory]
    [MemberData(nameof(Networks))]
    public void TrainedDenoiser_DoesNotDependOnBatchSizeOrThreadCount(string kind)
    {
        var options = kind == "mlp"
            ? new NetworkOptions(NetworkKind.Mlp, [5], Width: 64, Depth: 2, TimeEmbedding: 16)
            : NetworkOptions.DefaultFor([1, 14, 14]) with { Kind = NetworkKind.UNet, Channels = 8 };
        using var denoiser = new NeuralDenoiser(ScoreNetwork.Create(options, 7));
        int d = denoiser.Dimension;
        using var x = torch.randn([40, d], generator: torch.manual_seed(1));
        var (one, two) = OnOneAndTwoThreads(() => denoiser.Denoise(x, 0.4));
        Assert.Equal(one, two);
        foreach (int batch in new[] { 1, 3, 16, 17 })
        {
            var parts = new List<Tensor>();
            for (int start = 0; start < 40; start += batch)
                parts.Add(denoiser.Denoise(x.narrow(0, start, Math.Min(batch, 40 - start)), 0.4));
            using var joined = torch.cat(parts, 0);
            Assert.Equal(one, joined.contiguous().data<float>().ToArray());
            foreach (var p in parts) p.Dispose();
        }
    }
}
