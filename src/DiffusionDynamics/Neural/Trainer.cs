using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Data;
using DiffusionDynamics.Random;
using DiffusionDynamics.Time;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiffusionDynamics.Neural;

/// <summary>
/// Denoising score matching of an ε-predicting <see cref="ScoreNetwork"/> in the OU clock (docs/theory.md §2):
/// <code>
///   a ~ uniform over the training set,  t ~ TimeSampling on [TMin, TMax],  z ~ N(0, I_d)
///   x_t = e^{−t} a + √Δ_t z,  Δ_t = 1 − e^{−2t}
///   L = mean_batch λ(t) · (1/d) |ε̂(x_t, t) − z|²,  λ = 1 (Epsilon) or 1/Δ_t (Score)
/// </code>
/// Adam, global gradient-norm clipping, and an EMA copy θ̄ ← β_k θ̄ + (1 − β_k) θ after every step (β_k = min(β, (1+k)/(10+k))).
/// </summary>
public static class Trainer
{
    /// <summary>File name of the training log in the output directory.</summary>
    public const string LogFile = "train-log.jsonl";

    /// <summary>
    /// Trains (or resumes from outDir/checkpoint.* when <paramref name="resume"/> is true and a checkpoint exists;
    /// otherwise starts fresh), writes outDir/train-log.jsonl (one JSON object every LogEvery steps: step, loss
    /// (mean over those steps), lossEma, stepsPerSecond, seconds (since this call began), rssMB (peak resident set,
    /// VmHWM), and checkpoints every CheckpointEvery steps and at the end.
    /// The examples of step k come from Xoshiro.ForStream(Seed, k) alone, so a resumed run reproduces the
    /// uninterrupted one. On cancellation a checkpoint is written, then <see cref="OperationCanceledException"/> thrown.
    /// Throws <see cref="ArgumentException"/> on invalid options, on data that do not fit the network, and when
    /// resuming a checkpoint whose options differ from the given ones in anything but Steps.
    /// </summary>
    public static TrainingResult Train(Dataset data, NetworkOptions network, TrainingOptions options, string outDir, bool resume = false,
        IProgress<TrainingProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outDir);
        options.Validate();
        network.Validate();
        if (data.Dimension != network.Dimension)
            throw new ArgumentException($"Data dimension d = {data.Dimension} does not match the network's item shape [{string.Join(",", network.ItemShape)}] (d = {network.Dimension}).", nameof(data));
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(outDir);

        CheckpointInfo? stored = resume && Checkpoint.Exists(outDir) ? Checkpoint.ReadInfo(outDir) : null;
        if (stored is not null)
        {
            Checkpoint.RequireComplete(outDir);
            RequireCompatible(stored, data, network, options);
        }

        using var net = ScoreNetwork.Create(network, options.Seed);
        using var ema = ScoreNetwork.Create(network, options.Seed);
        var parameters = net.parameters().ToArray();
        var emaParameters = ema.parameters().ToArray();
        using var adam = torch.optim.Adam(parameters, lr: options.LearningRate);
        int step = 0;
        double lossAccumulator = 0;
        if (stored is not null)
        {
            Checkpoint.LoadWeights(net, Path.Combine(outDir, Checkpoint.WeightsFile));
            Checkpoint.LoadWeights(ema, Path.Combine(outDir, Checkpoint.EmaFile));
            Checkpoint.LoadAdam(adam, Path.Combine(outDir, Checkpoint.AdamFile));
            step = stored.Step;
            lossAccumulator = stored.LossAccumulator;
        }
        else
        {
            using var _ = no_grad();
            for (int i = 0; i < parameters.Length; i++) emaParameters[i].copy_(parameters[i]);
        }
        net.train();

        CheckpointInfo Info() => new(network, options, step, data.Name, data.Count, data.Dimension, (int[])data.ItemShape.Clone(),
            data.Preprocessing.ToArray(), lossAccumulator);
        string checkpointPath = Path.Combine(outDir, Checkpoint.InfoFile);

        using var dataT = data.ToTensor();
        // The log continues from the checkpoint: rows logged after it (by a run that was then interrupted) are dropped,
        // because the resumed run logs those steps again.
        string logPath = Path.Combine(outDir, LogFile);
        if (stored is not null) TruncateLog(logPath, stored.Step);
        using var log = new StreamWriter(logPath, append: stored is not null);
        bool savedThisRun = false;
        int n = data.Count, d = data.Dimension, batch = options.BatchSize;
        var indices = new long[batch];
        var times = new float[batch];
        var decay = new float[batch];
        var sqrtDelta = new float[batch];
        var weight = new float[batch];
        var noise = new float[batch * d];
        double logMin = Math.Log(options.TMin), logMax = Math.Log(options.TMax);
        double windowLoss = 0;
        int windowSteps = 0;
        var windowClock = Stopwatch.StartNew();

        while (step < options.Steps)
        {
            if (ct.IsCancellationRequested)
            {
                Checkpoint.Save(outDir, net, ema, adam, Info());
                ct.ThrowIfCancellationRequested();
            }
            using (var scope = torch.NewDisposeScope())
            {
                // Draw the examples of this step from its own stream.
                var rng = Xoshiro.ForStream(options.Seed, step);
                for (int b = 0; b < batch; b++) indices[b] = rng.NextInt(n);
                for (int b = 0; b < batch; b++)
                {
                    double u = rng.NextDouble();
                    double t = options.TimeSampling == TimeSampling.LogUniform
                        ? Math.Exp(logMin + u * (logMax - logMin))
                        : options.TMin + u * (options.TMax - options.TMin);
                    double delta = OuTime.Delta(t);
                    times[b] = (float)t;
                    decay[b] = (float)Math.Exp(-t);
                    sqrtDelta[b] = (float)Math.Sqrt(delta);
                    weight[b] = options.Weighting == LossWeighting.Score ? (float)(1.0 / delta) : 1f;
                }
                rng.FillGaussian(noise);

                // Forward: x_t = e^{−t} a + √Δ_t z, loss = mean_b λ_b |ε̂ − z|²/d.
                var a = dataT.index_select(0, torch.tensor(indices));
                var z = torch.tensor(noise, [batch, d]);
                var x = a * torch.tensor(decay).unsqueeze(1) + z * torch.tensor(sqrtDelta).unsqueeze(1);
                var epsHat = net.forward(x, torch.tensor(times));
                var loss = ((epsHat - z).square().mean([1]) * torch.tensor(weight)).mean();

                // Adam step with clipping, then the EMA update.
                adam.zero_grad();
                loss.backward();
                if (options.GradClip > 0) torch.nn.utils.clip_grad_norm_(parameters, options.GradClip);
                adam.step();
                using (no_grad())
                {
                    // Warm-up of the EMA, β_k = min(β, (1 + k)/(10 + k)): short runs are not dominated by the initial weights.
                    double beta = Math.Min(options.EmaDecay, (1.0 + step) / (10.0 + step));
                    for (int i = 0; i < parameters.Length; i++)
                        emaParameters[i].mul_(beta).add_(parameters[i], alpha: 1 - beta);
                }
                double lossValue = loss.item<float>();
                if (!double.IsFinite(lossValue))
                {
                    // Nothing of a fresh run that never reached a checkpoint is worth keeping: remove its log, so the
                    // folder does not block a rerun; a resumed run keeps its last checkpoint.
                    log.Dispose();
                    if (stored is null && !savedThisRun) File.Delete(logPath);
                    throw OptionMessage.Argument(Diverged(lossValue, step + 1, options, data, stored is not null || savedThisRun), nameof(TrainingOptions.LearningRate));
                }
                lossAccumulator = CheckpointInfo.LossEmaFactor * lossAccumulator + (1 - CheckpointInfo.LossEmaFactor) * lossValue;
                windowLoss += lossValue;
                windowSteps++;
            }
            step++;

            if (step % options.LogEvery == 0 || step == options.Steps)
            {
                double stepsPerSecond = windowSteps / Math.Max(windowClock.Elapsed.TotalSeconds, 1e-9);
                double meanLoss = windowLoss / windowSteps;
                var line = new Dictionary<string, object>
                {
                    ["step"] = step,
                    ["loss"] = meanLoss,
                    ["lossEma"] = Info().Loss,
                    ["stepsPerSecond"] = Math.Round(stepsPerSecond, 4),
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                    ["rssMB"] = double.IsFinite(PeakRssMegabytes()) ? Math.Round(PeakRssMegabytes(), 1) : -1,
                };
                log.WriteLine(JsonSerializer.Serialize(line));
                log.Flush();
                progress?.Report(new TrainingProgress(step, options.Steps, meanLoss, stepsPerSecond));
                windowLoss = 0;
                windowSteps = 0;
                windowClock.Restart();
            }
            if (step % options.CheckpointEvery == 0 && step < options.Steps)
            {
                checkpointPath = Checkpoint.Save(outDir, net, ema, adam, Info());
                savedThisRun = true;
            }
        }
        checkpointPath = Checkpoint.Save(outDir, net, ema, adam, Info());
        return new TrainingResult(step, Info().Loss, clock.Elapsed.TotalSeconds, net.ParameterCount, checkpointPath);
    }

    private static string Diverged(double loss, int step, TrainingOptions options, Dataset data, bool checkpointKept)
    {
        var inv = CultureInfo.InvariantCulture;
        double scale = 0;
        foreach (float v in data.Values) scale = Math.Max(scale, Math.Abs((double)v));
        string clip = options.GradClip > 0 ? $"gradients already clipped at norm {options.GradClip.ToString("G3", inv)}" : "gradient clipping off";
        string hint = scale > 1e3
            ? $"the data reach |x| = {scale.ToString("G3", inv)}: rescale them to order 1 (the OU clock assumes unit-scale data), or lower the learning rate"
            : "lower the learning rate ({LearningRate})";
        return $"Training diverged: the loss is {loss.ToString(inv)} at step {step} (learning rate {options.LearningRate.ToString("G3", inv)}, {clip}); {hint}." +
               (checkpointKept ? " The last checkpoint is kept." : "");
    }

    /// <summary>Keeps the rows of the training log up to <paramref name="step"/> (the checkpoint a run resumes from).</summary>
    private static void TruncateLog(string path, int step)
    {
        if (!File.Exists(path)) return;
        var kept = File.ReadLines(path).Where(line =>
        {
            try
            {
                using var row = JsonDocument.Parse(line);
                return row.RootElement.TryGetProperty("step", out var s) && s.TryGetInt32(out int k) && k <= step;
            }
            catch (JsonException)
            {
                return false; // a line cut by the interruption
            }
        }).ToArray();
        string tmp = path + ".tmp";
        File.WriteAllLines(tmp, kept);
        File.Move(tmp, path, overwrite: true);
    }

    private static void RequireCompatible(CheckpointInfo stored, Dataset data, NetworkOptions network, TrainingOptions options)
    {
        if (!stored.Network.SameAs(network))
            throw new ArgumentException(
                $"Cannot resume: the checkpoint's network options {Describe(stored.Network)} differ from the given {Describe(network)}.", nameof(network));
        if (stored.Training with { Steps = options.Steps } != options)
            throw new ArgumentException(
                $"Cannot resume: the checkpoint's training options {stored.Training with { Steps = options.Steps }} differ from the given {options} (only Steps may change).",
                nameof(options));
        if (stored.N != data.Count || stored.D != data.Dimension || stored.DataName != data.Name)
            throw new ArgumentException(
                $"Cannot resume: the checkpoint was trained on '{stored.DataName}' (n = {stored.N}, d = {stored.D}), the given data are '{data.Name}' (n = {data.Count}, d = {data.Dimension}).",
                nameof(data));
        if (stored.Step > options.Steps)
            throw new ArgumentException($"Cannot resume: the checkpoint is at step {stored.Step}, beyond Steps = {options.Steps}.", nameof(options));
    }

    private static string Describe(NetworkOptions o) => JsonSerializer.Serialize(o, Checkpoint.Json).ReplaceLineEndings(" ");

    /// <summary>Peak resident set size VmHWM from /proc/self/status in MB (NaN where unavailable).</summary>
    public static double PeakRssMegabytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return double.NaN;
    }
}
