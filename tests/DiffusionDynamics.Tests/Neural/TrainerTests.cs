using DiffusionDynamics.Neural;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Random;
using DiffusionDynamics.Time;
using TorchSharp;
using static DiffusionDynamics.Tests.Neural.NeuralTestData;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Neural;

public class TrainerTests
{
    [Fact]
    public void FewSteps_ReduceTheLoss_OnAFixedSeed()
    {
        string dir = TempDir();
        try
        {
            var progress = new ListProgress();
            var result = Trainer.Train(EightPoints(), SmallMlp(), new TrainingOptions(Steps: 300, BatchSize: 64, LogEvery: 50, CheckpointEvery: 1000, Seed: 3),
                dir, progress: progress);
            Assert.Equal(300, result.Steps);
            Assert.Equal(6, progress.Reports.Count);
            // Mean loss over steps 1–50 vs 251–300: the first window starts at the untrained loss (~1 for ε-MSE).
            Assert.True(progress.Reports[^1].Loss < 0.8 * progress.Reports[0].Loss,
                $"loss {progress.Reports[0].Loss} → {progress.Reports[^1].Loss}");
            var lines = File.ReadAllLines(Path.Combine(dir, Trainer.LogFile));
            Assert.Equal(6, lines.Length);
            Assert.Contains("\"rssMB\"", lines[0]);
            Assert.True(File.Exists(result.CheckpointPath));
            var info = Checkpoint.ReadInfo(dir);
            Assert.Equal(300, info.Step);
            Assert.Equal("eight-points", info.DataName);
            Assert.Equal(8, info.N);
            Assert.Equal(result.FinalLoss, info.Loss, 12);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Resume_ReproducesTheUninterruptedRun_BitForBit()
    {
        string straight = TempDir(), split = TempDir();
        try
        {
            var data = EightPoints();
            var net = SmallMlp();
            var options = new TrainingOptions(Steps: 40, BatchSize: 32, LogEvery: 10, CheckpointEvery: 1000, Seed: 11);
            var a = Trainer.Train(data, net, options, straight);
            Trainer.Train(data, net, options with { Steps = 20 }, split);
            var b = Trainer.Train(data, net, options, split, resume: true);
            Assert.Equal(40, b.Steps);
            Assert.Equal(a.FinalLoss, b.FinalLoss);
            // Same per-step RNG streams, restored weights/EMA/Adam moments and step count, and deterministic CPU
            // kernels at a fixed thread count: the resumed run is bit-identical, not merely close.
            foreach (bool ema in new[] { false, true })
            {
                using var d1 = Checkpoint.LoadDenoiser(straight, ema);
                using var d2 = Checkpoint.LoadDenoiser(split, ema);
                var p1 = d1.Network.parameters().ToArray();
                var p2 = d2.Network.parameters().ToArray();
                Assert.Equal(p1.Length, p2.Length);
                for (int i = 0; i < p1.Length; i++) Assert.True(p1[i].eq(p2[i]).all().item<bool>(), $"parameter {i} (ema = {ema}) differs");
            }
            Assert.Equal(4, File.ReadAllLines(Path.Combine(split, Trainer.LogFile)).Length);
        }
        finally
        {
            Directory.Delete(straight, true);
            Directory.Delete(split, true);
        }
    }

    [Fact]
    public void Resume_WithoutCheckpoint_StartsFresh()
    {
        string dir = TempDir();
        try
        {
            var r = Trainer.Train(EightPoints(), SmallMlp(), new TrainingOptions(Steps: 5, BatchSize: 8, LogEvery: 5), dir, resume: true);
            Assert.Equal(5, r.Steps);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Resume_WithDifferentOptions_Throws()
    {
        string dir = TempDir();
        try
        {
            var data = EightPoints();
            var options = new TrainingOptions(Steps: 3, BatchSize: 8, LogEvery: 5);
            Trainer.Train(data, SmallMlp(), options, dir);
            // Steps may change.
            Trainer.Train(data, SmallMlp(), options with { Steps = 4 }, dir, resume: true);
            var ex = Assert.Throws<ArgumentException>(() => Trainer.Train(data, SmallMlp(), options with { Steps = 6, LearningRate = 1e-4 }, dir, resume: true));
            Assert.Contains("only Steps may change", ex.Message);
            ex = Assert.Throws<ArgumentException>(() => Trainer.Train(data, SmallMlp(width: 32), options with { Steps = 6 }, dir, resume: true));
            Assert.Contains("network options", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void TrainedMlp_ReproducesTheEmpiricalDenoiser_AtMidRangeTimes()
    {
        string dir = TempDir();
        try
        {
            var data = EightPoints();
            var options = new TrainingOptions(Steps: 2500, BatchSize: 256, LearningRate: 2e-3, EmaDecay: 0.995,
                TimeSampling: TimeSampling.LogUniform, TMin: 0.1, TMax: 3.0, LogEvery: 500, CheckpointEvery: 10_000, Seed: 5);
            Trainer.Train(data, SmallMlp(width: 128, depth: 3), options, dir);
            using var neural = Checkpoint.LoadDenoiser(dir);
            using var exact = new EmpiricalDenoiser(data);
            var errors = new List<string>();
            double worst = 0;
            foreach (double t in new[] { 0.3, 0.7, 1.5 })
            {
                // x ~ P_t^e: x = e^{−t} a^μ + √Δ_t z, 512 samples from a stream independent of training.
                var rng = Xoshiro.ForStream(99, (long)(t * 1000));
                var xs = new float[512 * 2];
                for (int i = 0; i < 512; i++)
                {
                    var a = data.Row(rng.NextInt(8));
                    for (int k = 0; k < 2; k++)
                        xs[2 * i + k] = (float)(Math.Exp(-t) * a[k] + Math.Sqrt(OuTime.Delta(t)) * rng.NextGaussian());
                }
                using var x = torch.tensor(xs, [512, 2]);
                using var dn = neural.Denoise(x, t);
                using var de = exact.Denoise(x, t);
                // Error in units of the data scale: RMS |D_nn − D_e| over RMS |a| (= 1.5 for these points). A relative
                // error against |D_e| itself is ill-posed at larger t, where D_e → mean of the data ≈ 0; and
                // D = (x − √Δ ε̂) e^{t} amplifies ε̂ errors by √Δ e^{t} (4.3 at t = 1.5).
                double err = (dn - de).square().sum(1).mean().sqrt().item<float>() / 1.5;
                errors.Add($"t = {t}: {err:F4}");
                worst = Math.Max(worst, err);
            }
            // Below 0.1 of the data scale: the learned posterior means sit within ~0.15 of the exact ones, small
            // against the 1.15 spacing of neighbouring points (observed 0.015, 0.026, 0.070 at t = 0.3, 0.7, 1.5).
            Assert.True(worst < 0.1, string.Join("; ", errors));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
