using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// A classifier of clean data items (x at t = 0): the logistic regression of Analysis and the CNN of Neural. It lives here,
/// beside <see cref="IClassPosterior"/> (its noised-data counterpart), because Scores is below both of them.
/// </summary>
public interface IClassifier
{
    /// <summary>Dimension d of an item.</summary>
    int Dimension { get; }

    /// <summary>Predicted labels of a batch x: [B, d].</summary>
    int[] Predict(Tensor x);
}
