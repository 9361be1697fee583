using static TorchSharp.torch;

namespace DiffusionDynamics.Scores;

/// <summary>A score source whose noised density ln P_t(x) is known in closed form.</summary>
public interface ILogDensity
{
    /// <summary>ln P_t(x) for x: [B, d], as a [B] float64 tensor. Range: t &gt; 0.</summary>
    Tensor LogDensity(Tensor x, double t);
}
