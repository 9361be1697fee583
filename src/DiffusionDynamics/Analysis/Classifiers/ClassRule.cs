using DiffusionDynamics.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Analysis;

/// <summary>
/// How a generated sample gets a class (Biroli et al., arXiv 2402.18491, speciation by cloning): the sign of the overlap
/// x·m for the two-cluster model, a classifier trained on 80 % of labelled data (logistic regression, or the CNN for
/// images), or none for unlabelled data. Also the class shares that set φ∞ = Σ_c p_c². Owns the classifier it trained.
/// </summary>
public sealed class ClassRule : IDisposable
{
    /// <summary>Maps a batch [B, d] to class labels; null when the data have no classes.</summary>
    public Func<Tensor, int[]>? Classify { get; private init; }

    /// <summary>One line for reports: which rule, which classes, the held-out accuracy.</summary>
    public string Description { get; private init; } = "";

    /// <summary>φ∞ = Σ_c p_c² of the training labels (½ for the two-cluster model).</summary>
    public double PhiInfinity { get; private init; } = 0.5;

    /// <summary>Held-out accuracy of the trained classifier (null for the two-cluster rule or none).</summary>
    public double? TestAccuracy { get; private init; }

    /// <summary>The labels the rule can return (null when there are none).</summary>
    public IReadOnlyList<int>? Classes { get; private init; }

    /// <summary>Why there is no rule (unlabelled data), else null.</summary>
    public string? Note { get; private init; }

    private IDisposable? Owned { get; init; }

    /// <summary>Smallest class size for which a classifier is trained on a held-out split; below it, the nearest training point's label.</summary>
    public const int MinClassSizeToHoldOut = 5;

    /// <summary>Releases the classifier or tensor the rule holds.</summary>
    public void Dispose() => Owned?.Dispose();

    /// <summary>
    /// Chooses the rule: the two-cluster sign when <paramref name="truth"/> is that model, else a classifier of kind
    /// <paramref name="classifier"/> trained on a stratified 80 % split (seeded) of labelled data with ≥ 2 classes (the label of the nearest training point when a class has fewer than
    /// <see cref="MinClassSizeToHoldOut"/> items), else none.
    /// </summary>
    public static ClassRule Choose(Dataset data, TwoClusterData? truth, ClassifierKind classifier = ClassifierKind.Logistic, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (classifier == ClassifierKind.Cnn && !data.IsImage)
            throw new ArgumentException($"Classifier Cnn needs image data (item shape [c, h, w]), but \"{data.Name}\" has item shape " +
                                        $"[{string.Join(", ", data.ItemShape)}]; use the logistic classifier.", nameof(classifier));
        if (truth is not null)
        {
            var m = torch.tensor(truth.M).to_type(ScalarType.Float32).DetachFromDisposeScope();
            return new ClassRule
            {
                Classify = x =>
                {
                    using var s = x.to_type(ScalarType.Float32).mv(m);
                    return s.data<float>().ToArray().Select(v => v > 0 ? 1 : 0).ToArray();
                },
                Description = "sign of the overlap x·m with the two-cluster centre m (0: −m, 1: +m)",
                PhiInfinity = 0.5,
                Classes = [0, 1],
                Owned = m,
            };
        }
        if (data.Labels is { } labels && labels.Distinct().Count() >= 2 && labels.GroupBy(l => l).Min(g => g.Count()) < MinClassSizeToHoldOut)
        {
            // Too few items in some class for a held-out split (e.g. points:-1,1): the label of the nearest
            // training point, which is exact for data made of a few separated points.
            var shares = labels.GroupBy(l => l).Select(g => g.Count() / (double)labels.Length).ToArray();
            var points = data.ToTensor().to_type(ScalarType.Float64).DetachFromDisposeScope();
            var pointLabels = labels.ToArray();
            return new ClassRule
            {
                Classify = x => NearestNeighbours.Find(x, points).Nearest.Select(i => pointLabels[i]).ToArray(),
                Description = $"label of the nearest training point (a class has fewer than {MinClassSizeToHoldOut} items, too few to hold out a test split)",
                PhiInfinity = shares.Sum(p => p * p),
                Classes = labels.Distinct().Order().ToArray(),
                Owned = points,
            };
        }
        if (data.Labels is { } classLabels && classLabels.Distinct().Count() >= 2)
        {
            var (train, test) = LogisticClassifier.Split(data, 0.2, seed);
            var shares = classLabels.GroupBy(l => l).Select(g => g.Count() / (double)classLabels.Length).ToArray();
            if (classifier == ClassifierKind.Cnn)
            {
                var cnn = Neural.CnnClassifier.Train(train, new Neural.CnnClassifierOptions(Seed: seed));
                double cnnAccuracy = cnn.Accuracy(test);
                return new ClassRule
                {
                    Classify = x => cnn.Predict(x),
                    Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CNN classifier ({cnn.ParameterCount:N0} parameters) trained on 80 % of the data (classes {string.Join(", ", cnn.Classes)}), " +
                                  $"held-out accuracy {cnnAccuracy:P1}"),
                    PhiInfinity = shares.Sum(p => p * p),
                    TestAccuracy = cnnAccuracy,
                    Classes = cnn.Classes,
                    Owned = cnn,
                };
            }
            var logistic = LogisticClassifier.Train(train, new LogisticClassifierOptions(Seed: seed));
            double accuracy = logistic.Accuracy(test);
            return new ClassRule
            {
                Classify = x => logistic.Predict(x),
                Description = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"logistic regression trained on 80 % of the data (classes {string.Join(", ", logistic.Classes)}), held-out accuracy {accuracy:P1}"),
                PhiInfinity = shares.Sum(p => p * p),
                TestAccuracy = accuracy,
                Classes = logistic.Classes,
                Owned = logistic,
            };
        }
        return new ClassRule
        {
            Classify = null,
            Description = "none (unlabelled data)",
            Note = "The data have no labels (or one class), so classes of samples are undefined.",
        };
    }
}
