namespace DiffusionDynamics.Analysis;

/// <summary>One least-action path.</summary>
/// <param name="Label">What it connects ("x₀ → x_T", "θ = 45°", "training point 3").</param>
/// <param name="Action">The discrete action S_h.</param>
/// <param name="Times">Path times s_k (for reverse drifts also the OU times t = t₀ − s, see <see cref="NoetherResult.Clock"/>).</param>
/// <param name="Path">Nodes x_k, [K + 1][d] (d ≤ 8 only; empty for larger d, whose paths are summarized).</param>
/// <param name="Conserved">The Noether charges the drift's symmetries imply (docs/theory.md §8.5).</param>
/// <param name="EulerLagrangeResidual">max_k |∇_k S_h|/h.</param>
/// <param name="GradientNorm">max_k |∇_k S_h|.</param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Converged">Stopped on the gradient criterion.</param>
/// <param name="EndAngle">Ring: the end angle θ (radians), else null.</param>
/// <param name="Target">Reverse: the training point index μ, else null.</param>
public sealed record NoetherPath(string Label, double Action, double[] Times, double[][] Path, IReadOnlyDictionary<string, ConservedQuantity> Conserved,
    double EulerLagrangeResidual, double GradientNorm, int Iterations, bool Converged, double? EndAngle = null, int? Target = null);

/// <summary>The closed-form comparison (OU: x(s) = A sinh s + x₀e^{−s}; constant drift: the straight line), for the first path.</summary>
/// <param name="Action">The closed-form action.</param>
/// <param name="MaxPathError">max_k |x_k − x(s_k)|.</param>
/// <param name="Energy">The closed-form energy (OU), else null.</param>
/// <param name="Tolerance">The discretization bound the error is checked against (docs/theory.md §8.4), else null.</param>
public sealed record ClosedFormCheck(double Action, double MaxPathError, double? Energy, double? Tolerance);

/// <summary>Monte Carlo of the 1-D drift–diffusion with absorbing bounds, conditioned on surviving and ending within δ of x_T.</summary>
/// <param name="Simulated">Paths simulated.</param>
/// <param name="Kept">Paths that survived and ended in the window.</param>
/// <param name="Times">s_k.</param>
/// <param name="Mean">Conditioned mean path.</param>
/// <param name="StandardError">Its standard error per time.</param>
/// <param name="Line">The least-action path (straight line) at s_k.</param>
/// <param name="MaxDeviationInStandardErrors">max_k |mean − line| / SE_k over the interior.</param>
/// <param name="Tolerance">max_k (4 SE_k + δ s_k/T): the statistical bound plus the window bias.</param>
/// <param name="WithinTolerance">Every |mean − line| below its bound.</param>
public sealed record MonteCarloCheck(int Simulated, int Kept, double[] Times, double[] Mean, double[] StandardError, double[] Line,
    double MaxDeviationInStandardErrors, double Tolerance, bool WithinTolerance);

/// <summary>The probability-flow path from the noise point (ring), by the library's ODE sampler.</summary>
/// <param name="Times">OU times t, descending.</param>
/// <param name="Path">x(t), [steps + 1][2].</param>
/// <param name="StartAngle">Angle of x(t₀).</param>
/// <param name="EndAngle">Angle of x(t_end).</param>
/// <param name="LeastActionAngularMomentum">L of the least-action path to the flow's end point (0 for the radial path).</param>
/// <param name="LeastActionAction">Action of that path.</param>
public sealed record FlowPath(double[] Times, double[][] Path, double StartAngle, double EndAngle, double LeastActionAngularMomentum, double LeastActionAction);

/// <summary>
/// Result of <see cref="NoetherExperiment"/>: least-action paths of dx = f ds + √(2D) dW with their actions and conserved quantities
/// (Vastola, arXiv 2504.09761; docs/theory.md §8.4–8.6).
/// </summary>
/// <param name="Clock">How times are read.</param>
/// <param name="Drift">The drift's name.</param>
/// <param name="Kind">The drift kind.</param>
/// <param name="Dimension">d.</param>
/// <param name="Duration">T (path time).</param>
/// <param name="Diffusion">"D = 1" or "D(s) = D(1 + κs)".</param>
/// <param name="Steps">K.</param>
/// <param name="Paths">Every path.</param>
/// <param name="ClosedForm">Closed-form comparison of the first path (OU, constant drift), else null.</param>
/// <param name="MonteCarlo">Drift–diffusion Monte Carlo, else null.</param>
/// <param name="ProbabilityFlow">Ring: the probability-flow path, else null.</param>
/// <param name="Cheapest">Label of the path with the least action (ring, reverse).</param>
/// <param name="Seconds">Wall time.</param>
public sealed record NoetherResult(string Clock, string Drift, NoetherDrift Kind, int Dimension, double Duration, string Diffusion, int Steps,
    IReadOnlyList<NoetherPath> Paths, ClosedFormCheck? ClosedForm, MonteCarloCheck? MonteCarlo, FlowPath? ProbabilityFlow, string? Cheapest, double Seconds);
