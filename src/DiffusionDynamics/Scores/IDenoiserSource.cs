using DiffusionDynamics.Data;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Builds the denoisers of one <see cref="DenoiserKind"/> for a <see cref="DenoiserFactory"/>. Sources that need a higher part
/// (trained networks: Neural; imported model files: a later issue) implement this there and are added to the factory with
/// <see cref="DenoiserFactory.With"/>, so Scores never references them.
/// </summary>
public interface IDenoiserSource
{
    /// <summary>The kind this source builds.</summary>
    DenoiserKind Kind { get; }

    /// <summary>
    /// The denoiser of <paramref name="spec"/> (validated, of kind <see cref="Kind"/>) for <paramref name="data"/>, with the generator's
    /// ground truth <paramref name="truth"/> when the data are synthetic. The caller owns the result (dispose it when it is <see cref="IDisposable"/>).
    /// </summary>
    IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth);
}
