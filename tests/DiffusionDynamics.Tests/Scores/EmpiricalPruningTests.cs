using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

/// <summary>Certified pruning of the empirical posterior (docs/theory.md §10.7) against the dense float64 computation.</summary>
public class EmpiricalPruningTests
{
    private const int N = 1500, D = 48;

    /// <summary>
    /// 20 Gaussian clusters in d = 48 with a decaying spectrum like images' (centres and spread scale (j + 1)^{−0.8} in direction j): the
    /// posterior concentrates at small t and is flat at large t.
    /// </summary>
    private static Tensor Data()
    {
        var gen = torch.Generator.Default.manual_seed(21);
        var scale = torch.arange(1, D + 1, dtype: ScalarType.Float64).pow(-0.8) * 3;
        var centres = torch.randn([20, D], dtype: ScalarType.Float64, generator: gen) * scale;
        var labels = torch.randint(0, 20, [N], generator: gen);
        return centres.index_select(0, labels) + torch.randn([N, D], dtype: ScalarType.Float64, generator: gen) * scale * 0.5;
    }

    /// <summary>Queries from the forward process at t (x = e^{−t} a^μ + √Δ_t z) and 8 far-off points: [48, d] float64.</summary>
    private static Tensor Queries(Tensor data, double t, int seed)
    {
        var gen = torch.Generator.Default.manual_seed(seed);
        var mu = torch.randint(0, N, [40], generator: gen);
        var forward = data.index_select(0, mu) * OuTime.Decay(t) + torch.randn([40, D], dtype: ScalarType.Float64, generator: gen) * Math.Sqrt(OuTime.Delta(t));
        return torch.cat([forward, torch.randn([8, D], dtype: ScalarType.Float64, generator: gen) * 3], 0);
    }

    public static TheoryData<Precision> Precisions => [Precision.Float32, Precision.Float64];

    /// <summary>
    /// Both stages: k = 24 components make the projection bound bite at small t (the first product skips points); k = 0 (the default) runs the
    /// exact logits and skips only column blocks of the second product.
    /// </summary>
    public static TheoryData<Precision, int> Stages => new() { { Precision.Float32, 24 }, { Precision.Float64, 24 }, { Precision.Float32, 0 }, { Precision.Float64, 0 } };

    [Theory]
    [MemberData(nameof(Stages))]
    public void DroppedMass_IsBelowTheCertifiedBound_AndTheTolerance_AtManyTimes(Precision precision, int components)
    {
        using var data = Data();
        using var dense = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64, PruneTolerance: 0));
        using var pruned = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(precision, PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance, PruneComponents: components, PruneMinCount: 256));
        var dtype = precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        int prunedTimes = 0;
        foreach (double t in Enumerable.Range(0, 16).Select(i => 0.002 * Math.Pow(2.0, i * 0.75)))   // 0.002 … 4.6
        {
            using var scope = NewDisposeScope();
            var x = Queries(data, t, 100 + prunedTimes);
            var (result, keep, bound, logBound) = pruned.DenoiseWithSurvivors(x.to_type(dtype), t);
            if (keep is null)
            {
                Assert.Equal(0.0, bound);
                continue;
            }
            prunedTimes++;
            // True dropped mass per row from the dense float64 posterior: Σ_{μ not kept} w_μ ≤ the bound ≤ ~ε (the bound is ε·e^{L_ref − lse},
            // L_ref ≤ lse up to the round-off margins, so a factor 2 covers it).
            var weights = dense.PosteriorWeights(x, t);
            var droppedMass = weights.masked_fill(keep, 0).sum(1);
            double worst = droppedMass.max().item<double>();
            // Row by row in logs: ln Σ_dropped w ≤ the row's ln bound.
            var logDropped = droppedMass.log();
            var slack = (logBound!.to_type(ScalarType.Float64) - logDropped).masked_fill_(droppedMass.eq(0), double.PositiveInfinity);
            int bad = (int)slack.argmin().item<long>();
            Assert.True(slack.min().item<double>() >= -1e-9, $"t = {t}, row {bad}: ln dropped {logDropped[bad].item<double>():G6} > ln bound {logBound[bad].to_type(ScalarType.Float64).item<double>():G6}, kept {keep[bad].sum().item<long>()}");
            Assert.True(worst <= bound * (1 + 1e-9) + 1e-300, $"t = {t}: dropped {worst:G3} > bound {bound:G3}");
            Assert.True(bound <= 2 * EmpiricalDenoiserOptions.CertifiedTolerance, $"t = {t}: bound {bound:G3}");
            // Pruning did something: fewer survivors than points.
            Assert.True(keep.sum().item<long>() < (long)keep.shape[0] * N);
            // The pruned D equals the dense one to |ΔD| ≤ 2·bound·max|a| plus the arithmetic's own error: float64 exact to 1e-9;
            // float32 logits ~ e^{−t}|x||a|/Δ_t reach 1e4 at t = 0.002, so their float32 error (~1e-3) moves weights by ~1e-3·|a| (~8).
            var reference = dense.Denoise(x, t);
            double maxNorm = data.square().sum(1).max().sqrt().item<double>();
            double diff = (result.to_type(ScalarType.Float64) - reference).abs().max().item<double>();
            double allowed = 2 * bound * maxNorm + (precision == Precision.Float64 ? 1e-9 : 5e-3 * maxNorm);
            Assert.True(diff <= allowed, $"t = {t}: |ΔD| = {diff:G3} > {allowed:G3}");
        }
        Assert.True(prunedTimes >= 5, $"only {prunedTimes} times pruned");
        Assert.True(pruned.PrunedCalls >= 5);
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void PrunedDenoiser_DoesNotDependOnTheBatchSize(Precision precision, int components)
    {
        using var data = Data();
        using var pruned = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(precision, PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance, PruneComponents: components, PruneMinCount: 256));
        var dtype = precision == Precision.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        foreach (double t in new[] { 0.002, 0.005, 0.01, 0.05, 0.3 })
        {
            using var scope = NewDisposeScope();
            var x = Queries(data, t, 7).to_type(dtype);
            long before = pruned.PrunedCalls;
            var whole = pruned.Denoise(x, t).to_type(ScalarType.Float64);
            if (t <= 0.05) Assert.Equal(before + 1, pruned.PrunedCalls);
            double maxNorm = data.square().sum(1).max().sqrt().item<double>();
            foreach (int b in new[] { 1, 2, 5, 17 })
            {
                var parts = new List<Tensor>();
                pruned.ResetDroppedMass();
                for (int i = 0; i < x.shape[0]; i += b)
                    parts.Add(pruned.Denoise(x.narrow(0, i, Math.Min(b, x.shape[0] - i)), t).to_type(ScalarType.Float64));
                // Each row keeps its own survivors, so within one stage only the GEMM's blocking over the union differs (round-off). A smaller
                // batch may take the other stage (the probe and the union depend on the rows present); both results lie within their certified
                // bounds of the exact D, so they differ by at most (ε_whole + ε_part)·2 max|a|.
                double diff = (torch.cat(parts, 0) - whole).abs().max().item<double>();
                // The default (k = 0) computes each row by arithmetic that depends on that row alone: bit for bit in any batch.
                double allowed = components == 0 ? 0 : (precision == Precision.Float64 ? 1e-10 : 1e-4) + 2 * EmpiricalDenoiserOptions.CertifiedTolerance * 2 * maxNorm;
                Assert.True(diff <= allowed, $"t = {t}, batch {b}: {diff:G3} > {allowed:G3}");
                Assert.True(pruned.MaxDroppedMass <= EmpiricalDenoiserOptions.CertifiedTolerance);
            }
        }
    }

    [Fact]
    public void ToleranceZero_IsTheDensePath_AndLargeT_PrunesNothing()
    {
        using var data = Data();
        using var exact = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float32).Exact);
        Assert.Equal(0.0, new EmpiricalDenoiserOptions().PruneTolerance);     // the dense path is the default
        using var pruned = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float32, PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance, PruneMinCount: 256));
        using var x = Queries(data, 0.01, 3).to_type(ScalarType.Float32);
        using var a = exact.Denoise(x, 0.01, out double none);
        Assert.Equal(0.0, none);
        Assert.Equal(0, exact.PrunedCalls);
        // At t = 5 the logits of every row span less than ln(n/ε): nothing is dropped (no pruned call, bound 0), and the blocked second
        // product equals the dense one up to the float32 round-off of a different summation order (n = 1500 terms of weight ≤ 1 times |a|).
        using var big = Queries(data, 5.0, 4).to_type(ScalarType.Float32);
        using var d1 = exact.Denoise(big, 5.0);
        using var d2 = pruned.Denoise(big, 5.0, out double dropped);
        Assert.Equal(0, pruned.PrunedCalls);
        Assert.Equal(0.0, dropped);
        double maxNorm = data.square().sum(1).max().sqrt().item<double>();
        Assert.True((d1 - d2).abs().max().item<float>() <= 1e-5 * maxNorm);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(PruneTolerance: 1.0)));
        // With ε > 0 but a training set below PruneMinCount (n = 1500 < 4096) the dense path runs, bit for bit, even at small t.
        using var defaults = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float32, PruneTolerance: EmpiricalDenoiserOptions.CertifiedTolerance));
        using var d3 = defaults.Denoise(x, 0.01, out double none3);
        Assert.Equal(0.0, none3);
        Assert.Equal(0, defaults.PrunedCalls);
        Assert.True(a.eq(d3).all().item<bool>());
    }
}

/// <summary>The dense float32 call writes its logits into a reused workspace; its arithmetic must stay torch.addmm's, bit for bit.</summary>
public class EmpiricalWorkspaceTests
{
    [Fact]
    public void ReusedLogitsWorkspace_GivesTheFreshAddmmResult_BitForBit_AcrossBatchSizes()
    {
        var gen = torch.Generator.Default.manual_seed(5);
        using var data = torch.rand([700, 64], generator: gen);
        using var denoiser = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float32).Exact);
        foreach (int batch in new[] { 3, 40, 3, 17 })          // a size change reallocates; a repeated size reuses the workspace
            foreach (double t in new[] { 0.05, 1.0 })
            {
                using var scope = NewDisposeScope();
                var x = torch.randn([batch, 64], generator: gen);
                double delta = OuTime.Delta(t);
                double alpha = OuTime.Decay(t) / delta, beta = -0.5 * Math.Exp(-2 * t) / delta;
                // The dense path written out with a fresh addmm output (as before the workspace).
                var logits = torch.addmm(data.square().sum(1).unsqueeze(0), x, data.t(), (float)beta, (float)alpha);
                var w = logits.sub_(logits.amax([1], keepdim: true)).clamp_min_(-80.0).exp_();
                var expected = w.mm(data).div_(w.sum(1, keepdim: true));
                Assert.True(denoiser.Denoise(x, t).eq(expected).all().item<bool>(), $"B = {batch}, t = {t}");
            }
    }
}
