namespace DiffusionDynamics.Scores;

/// <summary>Where a denoiser comes from (<see cref="DenoiserSpec.Kind"/>).</summary>
public enum DenoiserKind
{
    /// <summary>The exact score of the empirical distribution of the data (<see cref="EmpiricalDenoiser"/>; docs/theory.md §2).</summary>
    Empirical,
    /// <summary>The exact score of the Gaussian fitted to the data: mean and covariance (<see cref="GaussianDenoiser.FromData"/>).</summary>
    Gaussian,
    /// <summary>The exact score of a Gaussian mixture fitted to the data (<see cref="MixtureDenoiser.Fit(Data.Dataset, MixtureOptions?)"/>).</summary>
    Mixture,
    /// <summary>The analytic two-cluster score of the generator the data were drawn from (<see cref="TwoClusterDenoiser"/>; needs its ground truth).</summary>
    TwoCluster,
    /// <summary>The generator's population score where it has one: two-cluster, or Gaussian N(0, C) (needs the ground truth).</summary>
    Analytic,
    /// <summary>A model folder written by <c>diffdyn train</c> (its EMA weights by default); the source lives in Neural.</summary>
    Trained,
    /// <summary>An imported ONNX model file (<see cref="Onnx.OnnxDenoiserSource"/>, registered in <c>Neural.Denoisers.Factory</c>).</summary>
    Imported,
}
