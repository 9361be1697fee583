using DiffusionDynamics.Data;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>How well an <see cref="IClassifier"/> labels a dataset.</summary>
public static class ClassifierAccuracy
{
    /// <summary>Share of labelled rows of <paramref name="data"/> whose predicted label equals the true one: (1/n) Σ_i 1[ŷ_i = y_i].</summary>
    /// <exception cref="ArgumentException">No labels, or dimension ≠ d.</exception>
    public static double Accuracy(this IClassifier classifier, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Labels is null) throw new ArgumentException($"Dataset \"{data.Name}\" has no labels to compare with.", nameof(data));
        using var scope = NewDisposeScope();
        var predicted = classifier.Predict(data.ToTensor());
        int correct = 0;
        for (int i = 0; i < predicted.Length; i++) if (predicted[i] == data.Labels[i]) correct++;
        return correct / (double)predicted.Length;
    }
}
