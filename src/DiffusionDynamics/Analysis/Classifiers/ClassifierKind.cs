namespace DiffusionDynamics.Analysis;

/// <summary>Which classifier decides the class of generated samples in a speciation measurement (labelled data).</summary>
public enum ClassifierKind
{
    /// <summary>Multinomial logistic regression on standardized pixels (<see cref="LogisticClassifier"/>): fast, any data.</summary>
    Logistic,

    /// <summary>Small convolutional network (<see cref="Neural.CnnClassifier"/>): image data (item shape [c, h, w]) only.</summary>
    Cnn,
}
