using DiffusionDynamics.Random;
using System.Globalization;
using System.Text.Json;
using DiffusionDynamics.Backend;
using DiffusionDynamics.Bench;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

// Plain timed harness: float32 GEMM throughput, empirical-denoiser throughput against it, and the wall time
// of an Euler–Maruyama run. Usage: dotnet run -c Release --project bench/DiffusionDynamics.Bench
//   [--quick] [--json out.json] [--only gemm,denoiser,sde,prune,train,samplers,spectrum] [--figures dir] [--fashion train-images-idx3-ubyte.gz]
//   [--prune-n 2000,10000,60000] [--prune-k 0]   (training-set sizes and projection components of the pruning section)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
bool quick = args.Contains("--quick");
string? jsonPath = OptionValue("--json");
var only = (OptionValue("--only") ?? "gemm,denoiser,sde,prune,train,samplers,spectrum").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();

TorchRuntime.EnsureInitialized();
int warmups = quick ? 1 : 3, repeats = quick ? 5 : 15;

// The denoiser under test (the library's); the bench's reference variants are timed beside it in (ii).
static IDenoiser MakeDenoiser(Tensor data) => new EmpiricalDenoiser(data);

var report = new BenchReport
{
    Machine = new MachineInfo(Environment.ProcessorCount, MklCpuDispatch.CpuVendor, torch.get_num_threads(),
        new SortedDictionary<string, string>(TorchRuntime.NativeSettings.ToDictionary())),
    Quick = quick,
};
Console.WriteLine($"DiffusionDynamics.Bench  cores={Environment.ProcessorCount} vendor={MklCpuDispatch.CpuVendor} torch threads={torch.get_num_threads()} {(quick ? "(quick)" : "")}");
foreach (var (k, v) in report.Machine.NativeSettings) Console.WriteLine($"  {k} = {v}");
Console.WriteLine($"  timing: {warmups} warm-ups, median of {repeats}");
Console.WriteLine();

const int B = 256, N = 10_000, D = 784;
var generator = new Generator(12345);

double gemmPairSeconds = double.NaN;
if (only.Contains("gemm") || only.Contains("denoiser"))
{
    // (i) Plain float32 GEMM at the empirical-score shapes and at 2048³.
    Console.WriteLine("(i) float32 GEMM through TorchSharp (torch.mm)");
    Console.WriteLine($"  {"shape",-36} {"median ms",10} {"GFLOP/s",9} {"best",7}");
    using var scope = NewDisposeScope();
    var x = randn([B, D], generator: generator);
    var a = rand([N, D], generator: generator);
    var w = rand([B, N], generator: generator);
    // Spin the cores up (frequency, caches, MKL's thread pool) before the first timed shape.
    var spin = System.Diagnostics.Stopwatch.StartNew();
    while (spin.Elapsed.TotalSeconds < (quick ? 0.5 : 2.0)) { using var _ = NewDisposeScope(); x.mm(a.t()); }
    var g1 = Gemm("[256,784]·[10000,784]ᵀ  (X·Aᵀ)", x, a.t(), 2.0 * B * N * D);
    var g2 = Gemm("[256,10000]·[10000,784]  (W·A)", w, a, 2.0 * B * N * D);
    // The same GEMM writing into a buffer allocated once: a fresh 10 MB output costs page faults every call.
    var logitsOut = empty([B, N]);
    var r1 = Gemm("X·Aᵀ into a reused buffer (addmm_)", x, a.t(), 2.0 * B * N * D, logitsOut);
    var r2 = Gemm("W·A into a reused buffer (addmm_)", w, a, 2.0 * B * N * D, empty([B, D]));
    // The baseline for the denoiser ratio is the best plain GEMM pair: both shapes into reused buffers.
    gemmPairSeconds = Math.Min(g1.MedianSeconds, r1.MedianSeconds) + Math.Min(g2.MedianSeconds, r2.MedianSeconds);
    Console.WriteLine($"  {"plain GEMM pair, best of the above",-36} {gemmPairSeconds * 1e3,10:F2} {4.0 * B * N * D / gemmPairSeconds / 1e9,9:F1}");
    if (only.Contains("gemm"))
    {
        var big1 = rand([2048, 2048], generator: generator);
        var big2 = rand([2048, 2048], generator: generator);
        Gemm("[2048,2048]·[2048,2048]", big1, big2, 2.0 * 2048 * 2048 * 2048);
        Gemm("2048³ into a reused buffer (addmm_)", big1, big2, 2.0 * 2048 * 2048 * 2048, empty([2048, 2048]));
    }
    Console.WriteLine();
}

if (only.Contains("denoiser"))
{
    // (ii) Empirical denoiser at B = 256, n = 10,000, d = 784, counting 4·B·n·d flops per call.
    Console.WriteLine("(ii) empirical denoiser, B=256 n=10000 d=784, flops = 4·B·n·d per call");
    using var scope = NewDisposeScope();
    var data = rand([N, D], generator: generator);
    double flops = 4.0 * B * N * D;
    var candidates = new (string Name, IDenoiser Denoiser)[]
    {
        ("library EmpiricalDenoiser", MakeDenoiser(data)),
        ("reference (as library)", new ReferenceEmpiricalDenoiser(data)),
        ("reference + reused logits", new ReferenceEmpiricalDenoiser(data, reuseLogits: true)),
        ("reference + reused + clamp", new ReferenceEmpiricalDenoiser(data, reuseLogits: true, clampLogits: true)),
    };
    foreach (double t in new[] { 0.1, 1.0 })
    {
        var x = Noised(data, B, t, generator);
        foreach (var (name, denoiser) in candidates)
        {
            var timing = Timing.Measure(() => { using var _ = NewDisposeScope(); denoiser.Denoise(x, t); }, warmups, repeats);
            double ratio = gemmPairSeconds / timing.MedianSeconds;
            Console.WriteLine($"  t={t,-4} {name,-28} {timing.MedianSeconds * 1e3,8:F2} ms {timing.GigaFlops(flops),7:F1} GFLOP/s  = {ratio:F2} × plain GEMM");
            report.Denoiser.Add(new DenoiserResult(name, B, N, D, t, timing.MedianSeconds * 1e3, timing.GigaFlops(flops), ratio));
        }
    }
    foreach (var (_, denoiser) in candidates) (denoiser as IDisposable)?.Dispose();
    // Where the time goes (reference implementation's single-block path, stages timed apart).
    foreach (bool tuned in new[] { false, true })
    {
        using var reference = new ReferenceEmpiricalDenoiser(data, reuseLogits: tuned, clampLogits: tuned);
        foreach (double t in new[] { 0.1, 1.0 })
        {
            var x = Noised(data, B, t, generator);
            var p = reference.Profile(x, t, warmups, repeats);
            double total = p.Gemm1.MedianSeconds + p.Softmax.MedianSeconds + p.Gemm2.MedianSeconds + p.Normalize.MedianSeconds;
            Console.WriteLine($"  stage breakdown, {(tuned ? "reference + reused + clamp" : "reference")}, t={t} (one block, medians, stages timed apart):");
            foreach (var (name, tm) in new[] { ("GEMM 1 addmm X·Aᵀ", p.Gemm1), ("max, sub_, exp_, sum", p.Softmax), ("GEMM 2 W·A", p.Gemm2), ("div_", p.Normalize) })
            {
                Console.WriteLine($"    {name,-22} {tm.MedianSeconds * 1e3,8:F2} ms  {tm.MedianSeconds / total,6:P1}");
                report.Stages[$"{(tuned ? "tuned" : "plain")} t={t} {name}"] = tm.MedianSeconds * 1e3;
            }
        }
    }
    Console.WriteLine();
}

if (only.Contains("sde"))
{
    // (iii) 200-step Euler–Maruyama (library sampler and denoiser) at B = 256, n = 2,000, d = 784, t = 5 → 0.01.
    const int n = 2000, steps = 200;
    Console.WriteLine($"(iii) Euler–Maruyama SDE, {steps} steps, B={B} n={n} d={D}");
    using var scope = NewDisposeScope();
    var data = rand([n, D], generator: generator);
    // The fusion A/B runs the dense path (ε = 0), so "same seed → same samples" is checked bit for bit; the default (pruned) runner is timed beside it.
    var denoiser = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions().Exact);
    // Pruning is forced on here (the default leaves n < 4096 to the dense path) to show what the blocked second product costs at this size.
    using var prunedDenoiser = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance, PruneMinCount: 2));
    var xT = randn([B, D], generator: generator);
    var timing = Timing.Measure(() =>
    {
        using var _ = NewDisposeScope();
        TrajectoryRunner.Run(denoiser, new TrajectoryRequest(SamplerKind.EulerMaruyama), TimeGrid.Uniform(5.0, 0.01, steps), xT, NoiseSource.ForSamples(7, 0, B, D));
    }, quick ? 0 : 1, quick ? 1 : 3);
    double flops = steps * 4.0 * B * n * D;
    Console.WriteLine($"  wall time {timing.MedianSeconds:F3} s (best {timing.BestSeconds:F3} s)  {timing.MedianSeconds / steps * 1e3:F2} ms/step  {timing.GigaFlops(flops):F1} GFLOP/s");
    report.Sde = new SdeResult(steps, B, n, D, timing.MedianSeconds, timing.MedianSeconds / steps * 1e3);
    // A/B in this process: the pre-fusion loop (out-of-place SamplerSteps.EulerMaruyama, a new [B, d] tensor per operation), same run.
    var grid200 = TimeGrid.Uniform(5.0, 0.01, steps);
    var unfused = Timing.Measure(() =>
    {
        using var _ = NewDisposeScope();
        var src = NoiseSource.ForSamples(7, 0, B, D);
        var z = empty([B, D]);
        var state = xT.clone();
        for (int k = 0; k < steps; k++)
        {
            using var stepScope = NewDisposeScope();
            var den = denoiser.Denoise(state, grid200[k]);
            src.Fill(z);
            var next = SamplerSteps.EulerMaruyama(new StepInput(denoiser, state, den, grid200[k], grid200[k + 1], z, 0), null);
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
        }
        state.Dispose();
    }, quick ? 0 : 1, quick ? 1 : 3);
    Console.WriteLine($"  A/B same run: fused runner {timing.MedianSeconds:F3} s, pre-fusion loop {unfused.MedianSeconds:F3} s (ratio {timing.MedianSeconds / unfused.MedianSeconds:F3}; " +
                      $"the fused run also ends with one final D)");
    report.Stages["sde fused s"] = timing.MedianSeconds;
    report.Stages["sde unfused s"] = unfused.MedianSeconds;
    // Same run with the default (certified-pruned) denoiser, and how far its samples are from the dense ones.
    Tensor? prunedOut = null, denseOut = null;
    var prunedTiming = Timing.Measure(() =>
    {
        prunedOut?.Dispose();
        prunedOut = TrajectoryRunner.Run(prunedDenoiser, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid200, xT, NoiseSource.ForSamples(7, 0, B, D));
    }, quick ? 0 : 1, quick ? 1 : 3);
    denseOut = TrajectoryRunner.Run(denoiser, new TrajectoryRequest(SamplerKind.EulerMaruyama), grid200, xT, NoiseSource.ForSamples(7, 0, B, D));
    double maxDiff = (prunedOut! - denseOut).abs().max().item<float>();
    Console.WriteLine($"  pruned (ε = 1e-7, forced at this n): {prunedTiming.MedianSeconds:F3} s (ratio to dense fused {prunedTiming.MedianSeconds / timing.MedianSeconds:F3}); " +
                      $"{prunedDenoiser.PrunedCalls} of {prunedDenoiser.Calls} calls pruned, largest dropped-mass bound {prunedDenoiser.MaxDroppedMass:G2}, " +
                      $"max |Δx₀| to the dense run {maxDiff:G2}");
    report.Stages["sde pruned s"] = prunedTiming.MedianSeconds;
    report.Stages["sde pruned max dropped"] = prunedDenoiser.MaxDroppedMass;
    report.Stages["sde pruned max diff"] = maxDiff;
    prunedOut?.Dispose();
    denseOut.Dispose();
    // Where a step's time goes besides the denoiser: per-sample noise and the update arithmetic.
    var noise = NoiseSource.ForSamples(7, 0, B, D);
    var buffer = empty([B, D]);
    var noiseTiming = Timing.Measure(() => noise.Fill(buffer), 3, quick ? 20 : 100);
    var denoiseTiming = Timing.Measure(() => { using var _ = NewDisposeScope(); denoiser.Denoise(xT, 1.0); }, 3, quick ? 5 : 30);
    Console.WriteLine($"  per step: denoiser {denoiseTiming.MedianSeconds * 1e3:F2} ms, per-sample noise {noiseTiming.MedianSeconds * 1e3:F2} ms, " +
                      $"rest {timing.MedianSeconds / steps * 1e3 - denoiseTiming.MedianSeconds * 1e3 - noiseTiming.MedianSeconds * 1e3:F2} ms");
    (denoiser as IDisposable)?.Dispose();
}

if (only.Contains("prune"))
{
    // (iii-b) Certified pruning: one Denoise call (= one SDE step's denoiser) at B = 256 on the first n Fashion-MNIST training images
    // (d = 784, pixels/255), pruned (ε = 1e-7) against dense, per t, with the achieved dropped-mass bound. Wall and process CPU time
    // of the same calls, so ratios hold on a loaded machine.
    string images = OptionValue("--fashion") ?? "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    Console.WriteLine($"(iii-b) certified pruning vs dense, B={B}, d=784, data {images}");
    using var scope = NewDisposeScope();
    var all = DiffusionDynamics.Data.IdxReader.ReadDataset(images).ToTensor().to_type(ScalarType.Float32).div_(255.0);
    var baseline = new Dictionary<double, double>();     // dense CPU per call at n = 2,000, per t
    int components = int.Parse(OptionValue("--prune-k") ?? "32");
    foreach (int n in (OptionValue("--prune-n") ?? "2000,10000,60000").Split(',').Select(int.Parse))
    {
        using var inner = NewDisposeScope();
        var data = all.narrow(0, 0, Math.Min(n, all.shape[0])).contiguous();
        using var dense = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions().Exact);
        using var pruned = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance, PruneComponents: components, PruneMinCount: 2));
        foreach (double t in new[] { 0.01, 0.03, 0.1, 0.3, 0.6, 1.0, 2.0 })
        {
            var x = Noised(data, B, t, generator);
            int reps = n >= 60000 ? 1 : (quick ? 2 : 4);
            var cpu0 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var td = Timing.Measure(() => { using var _ = NewDisposeScope(); dense.Denoise(x, t); }, 1, reps);
            var cpu1 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            double bound = 0;
            var tp = Timing.Measure(() => { using var _ = NewDisposeScope(); pruned.Denoise(x, t, out bound); }, 1, reps);
            var cpu2 = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            double cpuDense = (cpu1 - cpu0).TotalSeconds / (reps + 1), cpuPruned = (cpu2 - cpu1).TotalSeconds / (reps + 1);
            if (n == 2000) baseline[t] = cpuDense;
            Console.WriteLine($"  n={n,6} t={t,-5} dense {td.MedianSeconds * 1e3,8:F1} ms ({cpuDense * 1e3,8:F1} ms CPU)  pruned {tp.MedianSeconds * 1e3,8:F1} ms " +
                              $"({cpuPruned * 1e3,8:F1} ms CPU, {(pruned.PrunedCalls > 0 ? $"pruned, union {pruned.LastSurvivorShare:P1} of n" : "dense path")})  " +
                              $"CPU ratio dense/pruned {cpuDense / cpuPruned,6:F2}  pruned/dense(n=2000) {(baseline.TryGetValue(t, out double b0) ? (cpuPruned / b0).ToString("F2") : "—"),6}  bound {bound:G2}");
            report.Stages[$"prune n={n} t={t} dense ms"] = td.MedianSeconds * 1e3;
            report.Stages[$"prune n={n} t={t} pruned ms"] = tp.MedianSeconds * 1e3;
            report.Stages[$"prune n={n} t={t} dense cpu ms"] = cpuDense * 1e3;
            report.Stages[$"prune n={n} t={t} pruned cpu ms"] = cpuPruned * 1e3;
            report.Stages[$"prune n={n} t={t} bound"] = bound;
            report.Stages[$"prune n={n} t={t} union share"] = pruned.LastSurvivorShare;
            pruned.ResetDroppedMass();
        }
    }
    Console.WriteLine();
}

if (only.Contains("train"))
{
    // (iv) Training throughput of the default networks (2 threads, batch 128), through the library's Trainer.
    Console.WriteLine("(iv) DSM training throughput, batch 128 (steps/s × 128 = samples/s)");
    var cases = new (string Name, string Spec, int Downsample)[]
    {
        ("U-Net 1×28×28", "builtin", 1),
        ("U-Net 1×14×14", "builtin", 2),
        ("MLP d = 30", "gaussian:d=30,n=2000,spectrum=30x1", 1),
        ("MLP d = 256", "gaussian:d=256,n=2000,spectrum=256x1", 1),
    };
    int trainSteps = quick ? 10 : 40;
    foreach (var (name, spec, factor) in cases)
    {
        var data = new DiffusionDynamics.Data.DataRequest(spec, Downsample: factor).Load();
        var net = DiffusionDynamics.Neural.NetworkOptions.DefaultFor(data.ItemShape);
        string dir = Path.Combine(Path.GetTempPath(), "diffdyn-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Warm-up run (first conv/GEMM calls, JIT), then the timed run in a fresh folder.
            DiffusionDynamics.Neural.Trainer.Train(data, net, new DiffusionDynamics.Neural.TrainingOptions(Steps: 3, CheckpointEvery: 1000), dir + "-warm");
            var result = DiffusionDynamics.Neural.Trainer.Train(data, net, new DiffusionDynamics.Neural.TrainingOptions(Steps: trainSteps, CheckpointEvery: 100000), dir);
            double stepsPerSecond = result.Steps / result.Seconds;
            Console.WriteLine($"  {name,-16} {result.ParameterCount,9:N0} params  {stepsPerSecond,6:F2} steps/s  {stepsPerSecond * 128,8:F0} samples/s");
            report.Training.Add(new TrainingBench(name, result.ParameterCount, stepsPerSecond, stepsPerSecond * 128));
        }
        finally
        {
            foreach (var d in new[] { dir, dir + "-warm" }) if (Directory.Exists(d)) Directory.Delete(d, true);
        }
    }
    var status = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
    Console.WriteLine($"  peak RSS of this process: {status?.Split(':')[1].Trim()}");
    Console.WriteLine();
}

// (v) every sampler with and without teleport; (vi) their convergence on the Gaussian (also alone: --only convergence).
if (only.Contains("samplers")) report.Samplers.AddRange(SamplerBench.Run(quick));
if (only.Contains("samplers") || only.Contains("convergence"))
    report.SamplerConvergence.AddRange(SamplerBench.Convergence(OptionValue("--figures")));

// (vii) the Jacobian spectrum of the empirical score, dense and subspace solvers.
if (only.Contains("spectrum")) report.Spectrum.AddRange(SpectrumBench.Run(quick));

if (jsonPath is not null)
{
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"wrote {jsonPath}");
}
return 0;

Timing Gemm(string name, Tensor left, Tensor right, double flops, Tensor? output = null)
{
    var timing = output is null
        ? Timing.Measure(() => { using var _ = NewDisposeScope(); left.mm(right); }, warmups, repeats)
        : Timing.Measure(() => output.addmm_(left, right, 0f, 1f), warmups, repeats);
    Console.WriteLine($"  {name,-36} {timing.MedianSeconds * 1e3,10:F2} {timing.GigaFlops(flops),9:F1} {flops / timing.BestSeconds / 1e9,7:F1}");
    report.Gemm.Add(new GemmResult(name, timing.MedianSeconds * 1e3, timing.GigaFlops(flops), flops / timing.BestSeconds / 1e9));
    return timing;
}

static Tensor Noised(Tensor data, int batch, double t, Generator generator)
{
    // x(t) = e^{−t} a + √Δ_t z for the first `batch` training points.
    var a = data.narrow(0, 0, batch);
    return a.mul(Math.Exp(-t)).add_(randn(a.shape, generator: generator), alpha: Math.Sqrt(DiffusionDynamics.Time.OuTime.Delta(t)));
}

string? OptionValue(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

namespace DiffusionDynamics.Bench
{
    internal sealed record MachineInfo(int Cores, string CpuVendor, int TorchThreads, SortedDictionary<string, string> NativeSettings);
    internal sealed record GemmResult(string Shape, double MedianMs, double GigaFlops, double BestGigaFlops);
    internal sealed record DenoiserResult(string Implementation, int Batch, int N, int D, double T, double MedianMs, double GigaFlops, double RatioToGemm);
    internal sealed record TrainingBench(string Network, long Parameters, double StepsPerSecond, double SamplesPerSecond);
    internal sealed record SdeResult(int Steps, int Batch, int N, int D, double WallSeconds, double MsPerStep);

    internal sealed class BenchReport
    {
        public MachineInfo? Machine { get; init; }
        public bool Quick { get; init; }
        public List<GemmResult> Gemm { get; } = [];
        public List<DenoiserResult> Denoiser { get; } = [];
        public Dictionary<string, double> Stages { get; } = [];
        public SdeResult? Sde { get; set; }
        public List<TrainingBench> Training { get; } = [];
        public List<SamplerBenchResult> Samplers { get; } = [];
        public List<ConvergencePoint> SamplerConvergence { get; } = [];
        public List<SpectrumBenchResult> Spectrum { get; } = [];
    }
}
