namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// One graph evaluation behind D(x, t): the value fed to the noise-level input, the OU time whose α = e^{−t},
/// σ = √Δ_t the output conversion uses, and its weight in the mix (docs/theory.md §1, §9).
/// </summary>
/// <param name="ModelValue">Value of the noise-level input: step k or fractional step κ, scaled VP time, σ or c_noise = ¼ ln σ.</param>
/// <param name="Time">OU time of the level the model is told, t_k = −½ ln ᾱ_k for a step.</param>
/// <param name="Weight">Weight of this evaluation's denoiser in D = Σ w_i D_i (Σ w_i = 1).</param>
public readonly record struct OnnxEvaluation(double ModelValue, double Time, double Weight);

/// <summary>
/// How an OU time t reaches an imported model (<see cref="OnnxClock.Map"/>): the evaluations whose denoisers are
/// mixed into D(x, t), the OU time they represent, and the mapping error |Δt| = |t_represented − t|.
/// <list type="bullet">
/// <item>Nearest step: one evaluation at k, represented time t_k, |Δt| ≤ half the local step (more outside the table,
/// where t is clamped to [t_0, t_{K−1}]).</item>
/// <item>Interpolation: the represented time is t clamped to the table's range (|Δt| = 0 inside it); with an integer
/// input D is the mix (1 − w) D_k + w D_{k+1}, whose error is an interpolation error of order h², not a time shift.</item>
/// <item>VP-SDE: t clamped to [0, t(s = 1)]; EDM σ: exact.</item>
/// </list>
/// </summary>
/// <param name="RequestedTime">The OU time t asked for.</param>
/// <param name="RepresentedTime">The OU time the model's evaluation stands for.</param>
/// <param name="Evaluations">One or two graph evaluations and their weights.</param>
public sealed record OnnxNoiseLevel(double RequestedTime, double RepresentedTime, IReadOnlyList<OnnxEvaluation> Evaluations)
{
    /// <summary>|Δt| = |t_represented − t_requested|, the mapping error in OU time.</summary>
    public double TimeError => Math.Abs(RepresentedTime - RequestedTime);

    /// <summary>True when D is mixed from two evaluations (interpolation on an integer timestep input).</summary>
    public bool IsMixed => Evaluations.Count > 1;
}
