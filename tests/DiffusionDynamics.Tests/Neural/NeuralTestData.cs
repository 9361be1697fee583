using DiffusionDynamics.Data;
using DiffusionDynamics.Neural;

namespace DiffusionDynamics.Tests.Neural;

internal static class NeuralTestData
{
    /// <summary>8 points in d = 2 on a circle of radius 1.5 (fixed, no RNG).</summary>
    public static Dataset EightPoints()
    {
        var v = new float[16];
        for (int i = 0; i < 8; i++)
        {
            v[2 * i] = (float)(1.5 * Math.Cos(2 * Math.PI * i / 8 + 0.3));
            v[2 * i + 1] = (float)(1.5 * Math.Sin(2 * Math.PI * i / 8 + 0.3));
        }
        return new Dataset(v, 8, 2, name: "eight-points");
    }

    public static NetworkOptions SmallMlp(int d = 2, int width = 64, int depth = 2) =>
        new(NetworkKind.Mlp, [d], Width: width, Depth: depth, TimeEmbedding: 16);

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "diffdyn-neural-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Synchronous progress sink (Progress&lt;T&gt; posts to the thread pool).</summary>
    public sealed class ListProgress : IProgress<TrainingProgress>
    {
        public List<TrainingProgress> Reports { get; } = new();
        public void Report(TrainingProgress value) => Reports.Add(value);
    }
}
