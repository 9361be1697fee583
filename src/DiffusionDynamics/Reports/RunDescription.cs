using System.Text;

namespace DiffusionDynamics.Reports;

/// <summary>
/// The sentence that opens every report: what actually ran — data, score source (exact empirical, Gaussian, a trained network folder,
/// an ONNX file), sampler and start by their CLI tokens, grid, and the clock times are read on — built from the result, never fixed text.
/// </summary>
public static class RunDescription
{
    /// <summary>"What ran: data …; score …; sampler … (start …) on the … grid; times: … ." — the parts given, in that order.</summary>
    /// <param name="data">The data as the result names it, e.g. "builtin (n = 4000, d = 784)".</param>
    /// <param name="score">The score source, e.g. "exact empirical score of the training set" or "trained model runs/train-1".</param>
    /// <param name="sampler">Sampler token (<c>sde</c>, <c>ode-heun</c>, …), or null when none ran.</param>
    /// <param name="start">Start token (<c>noise</c>, <c>marginal</c>, …), or null.</param>
    /// <param name="grid">Grid description (e.g. "log-snr" or a TimeGrid name), or null.</param>
    /// <param name="clock">How times are read, "OU time t" by default.</param>
    public static string Sentence(string data, string score, string? sampler = null, string? start = null, string? grid = null, string clock = "OU time t")
    {
        var s = new StringBuilder("What ran: data ").Append(data).Append("; score: ").Append(score);
        if (sampler is not null)
        {
            s.Append("; sampler ").Append(sampler);
            if (start is not null) s.Append(" (start ").Append(start).Append(')');
            if (grid is not null) s.Append(" on the ").Append(grid).Append(" grid");
        }
        s.Append("; times: ").Append(clock).Append('.');
        return s.ToString();
    }

    /// <summary>
    /// The score source in words: <paramref name="label"/> (e.g. "exact empirical score") of the training set, or — when a model ran —
    /// the trained network folder or ONNX file <paramref name="modelPath"/>.
    /// </summary>
    public static string Score(string label, string? modelPath) =>
        modelPath is null ? $"{label} of the training set"
        : modelPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? $"the ONNX model {modelPath}"
        : $"the trained network in {modelPath}";
}
