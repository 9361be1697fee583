namespace DiffusionDynamics.Scores;

/// <summary>
/// Asks a denoiser for a capability (<see cref="IClosedFormJacobian"/>, <see cref="IPosteriorWeights"/>,
/// <see cref="IJacobianTransposeProduct"/>, <see cref="IClassPosterior"/>, <see cref="IClassConditional"/>, …)
/// through any stack of <see cref="DenoiserDecorator"/>s. Analysis code asks for capabilities, never for concrete
/// classes: <c>denoiser.As&lt;IClosedFormJacobian&gt;() is { } j</c> instead of <c>denoiser is GaussianDenoiser</c>.
/// </summary>
public static class DenoiserCapabilities
{
    /// <summary>
    /// The object that provides capability <typeparamref name="T"/> for <paramref name="denoiser"/>, or null: the
    /// denoiser itself when it implements <typeparamref name="T"/>; for a decorator, whatever
    /// <see cref="DenoiserDecorator.Capability{T}"/> answers (by default the wrapped denoiser's capability).
    /// </summary>
    public static T? As<T>(this IDenoiser denoiser) where T : class
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        return denoiser is DenoiserDecorator decorator ? decorator.Capability<T>() : denoiser as T;
    }

    /// <summary>True when <paramref name="denoiser"/> provides capability <typeparamref name="T"/> (see <see cref="As{T}"/>).</summary>
    public static bool Has<T>(this IDenoiser denoiser) where T : class => denoiser.As<T>() is not null;
}
