using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>
/// Base of denoisers that wrap another one, as k-diffusion wraps models (conditioning, guidance, clock or
/// parametrization adapters). By default everything is forwarded: <see cref="Dimension"/>, <see cref="Denoise"/>,
/// <see cref="Precision"/> and every capability of <see cref="Inner"/> (<see cref="Capability{T}"/>).
/// A decorator that changes D must override <see cref="Capability{T}"/> to drop the capabilities of the inner
/// denoiser that no longer describe its output (a guided D has neither the inner Jacobian nor its posterior
/// weights), or to answer with its own. The decorator does not own <see cref="Inner"/> (dispose it separately).
/// </summary>
public abstract class DenoiserDecorator : IDenoiser
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    protected DenoiserDecorator(IDenoiser inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The wrapped denoiser.</summary>
    public IDenoiser Inner { get; }

    /// <inheritdoc />
    public virtual int Dimension => Inner.Dimension;

    /// <inheritdoc />
    public virtual Tensor Denoise(Tensor x, double t) => Inner.Denoise(x, t);

    /// <inheritdoc />
    public virtual Precision Precision => Inner.Precision;

    /// <summary>
    /// Capability <typeparamref name="T"/> of this decorator: itself when it implements <typeparamref name="T"/>,
    /// else the wrapped denoiser's (<c>Inner.As&lt;T&gt;()</c>). Override to drop or replace capabilities.
    /// </summary>
    public virtual T? Capability<T>() where T : class => this as T ?? Inner.As<T>();
}
