using System.Diagnostics;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using TorchSharp;
using Xunit.Abstractions;

namespace DiffusionDynamics.Tests.Analysis;

public class LogisticClassifierTests(ITestOutputHelper output)
{
    /// <summary>n items per label; label c's points are drawn by <paramref name="point"/>(rng, c) from stream (seed, item).</summary>
    private static Dataset Make(int perClass, int d, int[] classes, Func<Xoshiro, int, double[]> point, long seed)
    {
        var values = new List<float>();
        var labels = new List<int>();
        int item = 0;
        foreach (int c in classes)
            for (int i = 0; i < perClass; i++)
            {
                values.AddRange(point(Xoshiro.ForStream(seed, item++), c).Select(v => (float)v));
                labels.Add(c);
            }
        return new Dataset([.. values], labels.Count, d, [.. labels]);
    }

    private static double[] Gaussian(Xoshiro rng, int d, double shift) =>
        Enumerable.Range(0, d).Select(_ => rng.NextGaussian() + shift).ToArray();

    [Fact]
    public void SeparableBlobs_HeldOutAccuracyAbove99Percent()
    {
        // Means ±1.5 per coordinate in d = 10: the Bayes error is Φ(−1.5·√10) = Φ(−4.7) ≈ 1e-6.
        var data = Make(500, 10, [3, 8], (rng, c) => Gaussian(rng, 10, c == 3 ? -1.5 : 1.5), seed: 1);
        var (train, test) = LogisticClassifier.Split(data, 0.3, seed: 2);
        using var classifier = LogisticClassifier.Train(train);
        double accuracy = classifier.Accuracy(test);
        output.WriteLine($"blobs: held-out accuracy {accuracy:F4} on {test.Count}, loss {classifier.FinalLoss:F4}");
        Assert.Equal([3, 8], classifier.Classes);
        Assert.True(accuracy > 0.99, $"accuracy {accuracy}");
    }

    [Fact]
    public void Xor_IsBeyondALinearClassifier_AccuracyNearHalf()
    {
        // Label = sign(x₁ x₂): no hyperplane does better than chance on the population; 1000 held-out points give a
        // binomial standard error 0.016 around 0.5, so 0.5 ± 0.08 is 5 standard errors.
        var data = Make(1000, 2, [0, 1], (rng, c) =>
        {
            while (true)
            {
                double x = 2 * rng.NextDouble() - 1, y = 2 * rng.NextDouble() - 1;
                if ((x * y > 0 ? 1 : 0) == c) return [x, y];
            }
        }, seed: 3);
        var (train, test) = LogisticClassifier.Split(data, 0.5, seed: 4);
        using var classifier = LogisticClassifier.Train(train);
        double accuracy = classifier.Accuracy(test);
        output.WriteLine($"xor: held-out accuracy {accuracy:F4}");
        Assert.InRange(accuracy, 0.42, 0.58);
    }

    [Fact]
    public void BuiltinTrouserSneaker_TestAccuracyAbove98Percent_LabelsOneAndSeven()
    {
        var train = BuiltinData.Load(BuiltinSplit.Train).ScaleToRange();
        var test = BuiltinData.Load(BuiltinSplit.Test).ScaleToRange();
        var sw = Stopwatch.StartNew();
        using var classifier = LogisticClassifier.Train(train);
        double seconds = sw.Elapsed.TotalSeconds;
        double trainAccuracy = classifier.Accuracy(train), accuracy = classifier.Accuracy(test);
        output.WriteLine($"builtin: train {trainAccuracy:F4}, test {accuracy:F4}, loss {classifier.FinalLoss:F5}, {seconds:F1} s");
        Assert.Equal([1, 7], classifier.Classes);
        using var x = test.ToTensor();
        var predicted = classifier.Predict(x);
        Assert.All(predicted, p => Assert.Contains(p, new[] { 1, 7 }));
        using var p = classifier.Probabilities(x);
        Assert.Equal([test.Count, 2L], p.shape);
        Assert.Equal(torch.ScalarType.Float64, p.dtype);
        Assert.True(p.sum(1).sub(1).abs().max().item<double>() < 1e-12);
        Assert.True(accuracy > 0.98, $"test accuracy {accuracy}");
    }

    [Fact]
    public void ThreeClasses_ArbitraryLabels_PredictReturnsOriginalLabels()
    {
        double[][] centres = [[4, 0], [-4, 0], [0, 4]];
        int[] labels = [-5, 42, 7];
        var data = Make(100, 2, labels, (rng, c) =>
        {
            var m = centres[Array.IndexOf(labels, c)];
            return [m[0] + rng.NextGaussian(), m[1] + rng.NextGaussian()];
        }, seed: 5);
        using var classifier = LogisticClassifier.Train(data);
        Assert.Equal([-5, 7, 42], classifier.Classes);
        using var x = torch.tensor(new double[] { 4, 0, -4, 0, 0, 4 }, [3, 2]);
        Assert.Equal([-5, 42, 7], classifier.Predict(x));
        Assert.True(classifier.Accuracy(data) > 0.97);
    }

    [Fact]
    public void Split_IsStratified_Disjoint_AndSeeded()
    {
        var data = Make(50, 3, [1, 7], (rng, c) => Gaussian(rng, 3, c), seed: 6);
        var (train, test) = LogisticClassifier.Split(data, 0.2, seed: 9);
        Assert.Equal(10, test.CountOf(1));
        Assert.Equal(10, test.CountOf(7));
        Assert.Equal(80, train.Count);
        var rows = train.ToArray().Chunk(3).Concat(test.ToArray().Chunk(3)).Select(r => string.Join(",", r)).ToHashSet();
        Assert.Equal(100, rows.Count);
        var (_, again) = LogisticClassifier.Split(data, 0.2, seed: 9);
        Assert.Equal(test.ToArray(), again.ToArray());
        var (_, other) = LogisticClassifier.Split(data, 0.2, seed: 10);
        Assert.NotEqual(test.ToArray(), other.ToArray());
    }

    [Fact]
    public void InvalidInput_ThrowsArgumentException()
    {
        var unlabelled = new Dataset(new float[20], 10, 2);
        Assert.Contains("no labels", Assert.Throws<ArgumentException>(() => LogisticClassifier.Train(unlabelled)).Message);
        var oneClass = new Dataset(new float[20], 10, 2, Enumerable.Repeat(4, 10).ToArray());
        Assert.Contains("single class", Assert.Throws<ArgumentException>(() => LogisticClassifier.Train(oneClass)).Message);
        Assert.ThrowsAny<ArgumentException>(() => LogisticClassifier.Train(unlabelled, new LogisticClassifierOptions(L2: -1)));
        Assert.ThrowsAny<ArgumentException>(() => LogisticClassifier.Train(unlabelled, new LogisticClassifierOptions(MaxIterations: 0)));

        var data = Make(20, 2, [0, 1], (rng, c) => Gaussian(rng, 2, 3 * c), seed: 7);
        using var classifier = LogisticClassifier.Train(data);
        using var wrongD = torch.zeros(4, 3);
        Assert.Contains("[B, 2]", Assert.Throws<ArgumentException>(() => classifier.Predict(wrongD)).Message);
        using var nan = torch.tensor(new[] { 0f, float.NaN }, [1, 2]);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => classifier.Predict(nan)).Message);
        Assert.Throws<ArgumentException>(() => classifier.Probabilities(nan));
        Assert.Throws<ArgumentException>(() => classifier.Accuracy(unlabelled));
        Assert.ThrowsAny<ArgumentException>(() => LogisticClassifier.Split(data, 0, 1));
        Assert.ThrowsAny<ArgumentException>(() => LogisticClassifier.Split(data, 1, 1));
    }
}
