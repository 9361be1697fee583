namespace DiffusionDynamics.Neural;

/// <summary>Architecture of a <see cref="ScoreNetwork"/>.</summary>
public enum NetworkKind
{
    /// <summary>Fully connected network on the flat vector x ∈ ℝ^d (any item shape).</summary>
    Mlp,

    /// <summary>Convolutional U-Net on images of item shape [channels, height, width].</summary>
    UNet,
}
