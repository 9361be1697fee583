using DiffusionDynamics.Random;
using System.Diagnostics;
using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Reports;
using DiffusionDynamics.Sampling;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Bench;

/// <summary>Error of a deterministic sampler against the closed-form Gaussian answer at one step count.</summary>
internal sealed record ConvergencePoint(string Sampler, int Steps, int Nfe, double RmsToExact);

/// <summary>One sampler × score × start measurement.</summary>
internal sealed record SamplerBenchResult(string Score, string Sampler, string Start, int StepsRun, int Nfe, double WallSeconds,
    double MsPerSample, double? SameOutcomeShare, double? RmsToExact);

/// <summary>
/// (v) Every sampler on the built-in data (n = 2000, d = 784, B = 256) with the exact empirical score and with the data's
/// Gaussian denoiser, on the default grid (uniform T = 10 → 0.2 in <c>steps</c> steps + 20 log steps to 1e-3), from
/// pure noise and with teleport to t_skip. Quality: for the empirical score the share of samples ending at the same
/// nearest training point as the noise-start run of the same sampler (deterministic samplers only, same x(T));
/// for the Gaussian score the RMS distance to the exact answer D(x*(t_min), t_min), x* the closed-form PF-ODE.
/// </summary>
internal static class SamplerBench
{
    public static List<SamplerBenchResult> Run(bool quick, int batch = 256, int n = 2000, int steps = 50, double tSkip = 3.0)
    {
        var results = new List<SamplerBenchResult>();
        if (quick) batch = 64;
        var data = new DataRequest("builtin", Count: n).Load();
        int d = data.Dimension;
        Console.WriteLine($"(v) samplers, {data.Name}: n={data.Count} d={d} B={batch}; grid uniform+log-tail T=10 → 1e-3, {steps}+20 steps; teleport to t_skip={tSkip}");
        using var trainingSet = data.ToTensor();
        var fit = Stopwatch.StartNew();
        using var gaussian = GaussianDenoiser.FromData(data);
        Console.WriteLine($"  Gaussian fit (mean, covariance, eigendecomposition d={d}): {fit.Elapsed.TotalSeconds:F2} s once per run; λ_max = {gaussian.Eigenvalues[0]:F1} (t_S = ½ ln λ_max = {0.5 * Math.Log(gaussian.Eigenvalues[0]):F2})");
        using var empirical = new EmpiricalDenoiser(trainingSet);
        var grid = TimeGrid.UniformWithLogTail(10.0, 1e-3, steps);
        var kinds = Enum.GetValues<SamplerKind>();
        var starts = new[] { StartOptions.Noise, new StartOptions(StartKind.Teleport, tSkip) };

        using var xT = NoiseSource.ForSamples(0, 0, batch, d).Next(ScalarType.Float32);
        // Exact answer for the Gaussian score: closed-form flow to t_min, then the final denoise.
        using var exactGaussian = ExactGaussianAnswer(gaussian, xT, grid);

        Console.WriteLine($"  {"score",-9} {"sampler",-14} {"start",-9} {"steps",5} {"NFE",4} {"wall s",7} {"ms/sample",9} {"quality",22}");
        foreach (var (scoreName, denoiser) in new (string, IDenoiser)[] { ("empirical", empirical), ("gaussian", gaussian) })
        {
            foreach (var kind in kinds)
            {
                long[]? reference = null;
                foreach (var start in starts)
                {
                    var noise = NoiseSource.ForSamples(0, 0, batch, d);
                    var sw = Stopwatch.StartNew();
                    using var scope = NewDisposeScope();
                    using var started = Start.Begin(start, grid, noise, trainingSet, gaussian);
                    var result = TrajectoryRunner.Run(denoiser, new TrajectoryRequest(kind), started.Grid, started.X, noise);
                    double seconds = sw.Elapsed.TotalSeconds;
                    int nfe = SamplerRegistry.Get(kind).DenoiserEvaluations(started.Grid.Steps);
                    double? same = null, rms = null;
                    string quality;
                    if (scoreName == "empirical")
                    {
                        var nearest = NearestNeighbours.Find(result, trainingSet).Nearest;
                        if (start.Kind == StartKind.Noise) reference = nearest;
                        if (start.Kind == StartKind.Noise || SamplerRegistry.Get(kind).IsStochastic()) quality = start.Kind == StartKind.Noise ? "(reference)" : "— (stochastic)";
                        else
                        {
                            same = nearest.Zip(reference!, (a, b) => a == b).Count(s => s) / (double)batch;
                            quality = $"same point {same:P0}";
                        }
                    }
                    else
                    {
                        rms = Math.Sqrt((result.to_type(ScalarType.Float64) - exactGaussian).square().sum(1).mean().item<double>() / d);
                        quality = $"RMS to exact {rms:G3}";
                    }
                    string startName = start.Kind == StartKind.Noise ? "noise" : "teleport";
                    Console.WriteLine($"  {scoreName,-9} {kind,-14} {startName,-9} {started.Grid.Steps,5} {nfe,4} {seconds,7:F2} {seconds / batch * 1e3,9:F2} {quality,22}");
                    results.Add(new SamplerBenchResult(scoreName, kind.ToString(), startName, started.Grid.Steps, nfe, seconds, seconds / batch * 1e3, same, rms));
                }
            }
        }
        Console.WriteLine();
        return results;
    }

    /// <summary>
    /// (vi) Convergence on the built-in data's Gaussian (d = 784, full covariance): RMS distance of each deterministic
    /// sampler's output to the closed-form answer, log-SNR grid T = 10 → t_min = 1e-3, N = 8 … 256 steps, B = 32.
    /// Draws error vs NFE (log–log) with reference slopes −1 and −2 when <paramref name="figureDirectory"/> is given.
    /// </summary>
    public static List<ConvergencePoint> Convergence(string? figureDirectory, int batch = 32)
    {
        var data = new DataRequest("builtin", Count: 2000).Load();
        using var gaussian = GaussianDenoiser.FromData(data);
        using var xT = NoiseSource.ForSamples(1, 0, batch, data.Dimension).Next(ScalarType.Float64);
        int[] stepCounts = [8, 16, 32, 64, 128, 256];
        var kinds = new[] { SamplerKind.OdeEuler, SamplerKind.OdeHeun, SamplerKind.Ddim, SamplerKind.DpmSolver2M };
        var points = new List<ConvergencePoint>();
        Console.WriteLine($"(vi) convergence to the closed-form Gaussian PF-ODE, {data.Name} d={data.Dimension}, log-SNR grid T=10 → 1e-3, B={batch}");
        Console.WriteLine($"  {"sampler",-12} " + string.Join(" ", stepCounts.Select(n => $"{"N=" + n,9}")));
        foreach (var kind in kinds)
        {
            var row = new List<double>();
            foreach (int steps in stepCounts)
            {
                using var scope = NewDisposeScope();
                var grid = TimeGrid.LogSnr(10.0, 1e-3, steps);
                var exact = ExactGaussianAnswer(gaussian, xT, grid);
                var result = TrajectoryRunner.Run(gaussian, new TrajectoryRequest(kind), grid, xT);
                double rms = Math.Sqrt((result - exact).square().sum(1).mean().item<double>() / data.Dimension);
                points.Add(new ConvergencePoint(kind.ToString(), steps, SamplerRegistry.Get(kind).DenoiserEvaluations(steps), rms));
                row.Add(rms);
            }
            Console.WriteLine($"  {kind,-12} " + string.Join(" ", row.Select(e => $"{e,9:G3}")));
        }
        Console.WriteLine();
        if (figureDirectory is null) return points;
        Directory.CreateDirectory(figureDirectory);
        var plot = Figure.Create($"Error vs the closed-form PF-ODE (Gaussian, d = {data.Dimension})",
            "NFE per sample (log scale); log-SNR grid T = 10 → t_min = 1e-3", "RMS error per coordinate (log scale)");
        foreach (var kind in kinds)
        {
            var mine = points.Where(p => p.Sampler == kind.ToString()).ToArray();
            var line = plot.Add.ScatterLine(mine.Select(p => Math.Log10(p.Nfe)).ToArray(), mine.Select(p => Math.Log10(p.RmsToExact)).ToArray());
            line.LegendText = kind switch
            {
                SamplerKind.OdeEuler => "Euler PF-ODE (ode-euler)",
                SamplerKind.OdeHeun => "Heun PF-ODE (ode-heun, 2 NFE/step)",
                SamplerKind.Ddim => "DDIM η = 0 (ddim)",
                _ => "DPM-Solver++(2M) (dpm2m)",
            };
            line.MarkerSize = 6;
        }
        foreach (var (kind, order) in new[] { (SamplerKind.Ddim, 1), (SamplerKind.DpmSolver2M, 2) })
        {
            var first = points.First(p => p.Sampler == kind.ToString());
            double x0 = Math.Log10(first.Nfe), y0 = Math.Log10(first.RmsToExact) + 0.3, x1 = Math.Log10(stepCounts[^1] + 1);
            var reference = plot.Add.ScatterLine(new[] { x0, x1 }, new[] { y0, y0 - order * (x1 - x0) });
            reference.LinePattern = ScottPlot.LinePattern.Dashed;
            reference.Color = ScottPlot.Colors.Gray;
            reference.MarkerSize = 0;
            reference.LegendText = $"reference slope −{order} (order {order})";
        }
        Figure.LogAxis(plot.Axes.Bottom);
        Figure.LogAxis(plot.Axes.Left);
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        Figure.Save(plot, figureDirectory, "sampler-convergence");
        Console.WriteLine($"  wrote {Path.Combine(figureDirectory, "sampler-convergence.png")} (+ .svg)");
        return points;
    }

    private static Tensor ExactGaussianAnswer(GaussianDenoiser g, Tensor xT, TimeGrid grid)
    {
        using var scope = NewDisposeScope();
        var atEnd = g.Transport(xT.to_type(ScalarType.Float64), grid.Start, grid.End);
        return g.Denoise(atEnd, grid.End).MoveToOuterDisposeScope();
    }
}
