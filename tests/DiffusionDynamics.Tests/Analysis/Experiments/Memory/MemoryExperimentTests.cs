using DiffusionDynamics.Analysis;
using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Theory;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Analysis;

public class MemoryExperimentTests
{
    private static Tensor Matrix(double[] values, int d) => tensor(values, [values.Length / d, d], ScalarType.Float64);

    private static EmpiricalDenoiser Exact(Tensor a) => new(a, new EmpiricalDenoiserOptions(Precision.Float64));

    // Root of m = tanh(2βm) in (0, 1] by bisection (the fixed points ±m of two memories ±1; exists iff β > 1/2).
    private static double TanhRoot(double beta)
    {
        double lo = 1e-9, hi = 1;
        for (int i = 0; i < 200; i++) { double mid = 0.5 * (lo + hi); if (Math.Tanh(2 * beta * mid) > mid) lo = mid; else hi = mid; }
        return 0.5 * (lo + hi);
    }

    [Fact]
    public void Energy_EqualsTheDirectLogSumExp()
    {
        var xi = new[] { 0.0, 1.0, 2.0, -1.0, 0.5, 0.5 };
        var x = new[] { 0.3, -0.2, 5.0, 4.0 };
        using var a = Matrix(xi, 2);
        using var q = Matrix(x, 2);
        const double beta = 0.7;
        var e = AssociativeMemory.Energy(q, a, beta);
        for (int i = 0; i < 2; i++)
        {
            double sum = 0;
            for (int mu = 0; mu < 3; mu++)
                sum += Math.Exp(-beta * (Math.Pow(x[2 * i] - xi[2 * mu], 2) + Math.Pow(x[2 * i + 1] - xi[2 * mu + 1], 2)));
            // Both are float64 evaluations of the same sum of three exponentials: agreement to 1e-12.
            Assert.Equal(-Math.Log(sum) / beta, e[i], 1e-12);
        }
    }

    [Theory]
    [InlineData(0.05)] // β ≈ 4.75: minima close to ±1 (training points)
    [InlineData(0.3)]  // β ≈ 0.61 > ½: minima at ±m, m = tanh(2βm) ≈ 0.56 (spurious)
    public void FixedPoints_OfTwoMemories_AreTheRootsOf_m_EqualsTanh2BetaM(double t)
    {
        using var a = Matrix([-1.0, 1.0], 1);
        using var den = Exact(a);
        using var starts = AssociativeMemory.Starts(a, t, 64, seed: 3);
        var set = AssociativeMemory.FindFixedPoints(den, t, starts, a, deltaM: 0.05, spacing: 2, new FixedPointOptions(Tolerance: 1e-10, DedupRadius: 1e-3));
        double m = TanhRoot(CircleEnergy.BetaFromTime(t));
        Assert.Equal(2, set.Points.Count);
        // Steps < 2e-10 with contraction rate 2β(1 − m²) < 1 leave |y − m| ≲ 1e-9: tolerance 1e-7.
        Assert.All(set.Points, p => Assert.Equal(m, Math.Abs(p.Point[0]), 1e-7));
        Assert.All(set.Points, p => Assert.True(p.Stable));
        var expected = Math.Abs(m - 1) <= 0.05 ? FixedPointKind.Training : FixedPointKind.Spurious;
        Assert.All(set.Points, p => Assert.Equal(expected, p.Kind));
        // Closed-form map Jacobian at the minimum: d tanh(2βy)/dy = 2β(1 − m²).
        double beta = CircleEnergy.BetaFromTime(t);
        Assert.All(set.Points, p => Assert.Equal(2 * beta * (1 - m * m), p.MaxEigenvalue!.Value, 1e-6));
    }

    [Fact]
    public void FixedPoints_OfTwoMemories_AboveTheCriticalTime_MergeIntoOneSpuriousCentre()
    {
        // β = 1/(2(e^{2t} − 1)) < ½ for t > ½ ln 2: the only fixed point of y = tanh(2βy) is 0.
        const double t = 0.6;
        using var a = Matrix([-1.0, 1.0], 1);
        using var den = Exact(a);
        using var starts = AssociativeMemory.Starts(a, t, 32, seed: 1);
        var set = AssociativeMemory.FindFixedPoints(den, t, starts, a, 0.05, 2, new FixedPointOptions(Tolerance: 1e-10, MaxIterations: 20000));
        var p = Assert.Single(set.Points);
        Assert.Equal(0.0, p.Point[0], 1e-6);
        Assert.Equal(FixedPointKind.Spurious, p.Kind);
        Assert.Equal(32, p.Starts);
    }

    [Fact]
    public void LabelSamples_SplitsMemorizedSpuriousAndGeneralized()
    {
        using var a = Matrix([0.0, 10.0], 1);
        using var s = Matrix([0.01, 5.0, 5.02, 7.0, 9.95], 1);
        var labels = AssociativeMemory.LabelSamples(s, a, deltaM: 0.1, deltaS: 0.1);
        Assert.Equal(new[] { SampleKind.Memorized, SampleKind.Spurious, SampleKind.Spurious, SampleKind.Generalized, SampleKind.Memorized }, labels.Kinds);
        Assert.Equal(0.4, labels.Share(SampleKind.Memorized), 12);
        Assert.Equal(0.02, labels.SampleDistance[1], 1e-6);
    }

    [Fact]
    public void BasinSize_OfOneOfTwoMemories_MatchesTheSignProbability()
    {
        // Two memories ±1: the PF-ODE is odd, so a re-noised +1 returns iff x(t) > 0, with probability Φ(e^{−t}/√Δ_t).
        // That is ≥ 0.9 up to t* = ½ ln(1 + 1.2816²) ≈ 0.238: the basin on these levels is 0.15.
        using var a = Matrix([-1.0, 1.0], 1);
        using var den = Exact(a);
        using var point = Matrix([1.0], 1);
        var levels = new[] { 0.05, 0.15, 0.4, 0.8 };
        const int trials = 400;
        var radii = AssociativeMemory.ReturnRadii(point, a, deltaM: 0.05);
        Assert.Equal(1.0, radii[0], 12); // half the distance 2 to the other memory
        var b = Assert.Single(AssociativeMemory.BasinSizes(den, point, radii, new BasinOptions(levels, Trials: trials), seed: 5));
        Assert.Equal(0.15, b.Size);
        Assert.Equal(BasinCensoring.None, b.Censoring);
        for (int k = 0; k < levels.Length; k++)
        {
            double t = levels[k], p = Phi(Math.Exp(-t) / Math.Sqrt(-double.ExpM1(-2 * t)));
            double se = Math.Sqrt(p * (1 - p) / trials);
            Assert.InRange(b.ReturnProbability[k], p - 4 * se - 1e-9, p + 4 * se + 1e-9); // 4 binomial standard errors
        }
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(0.2)]
    [InlineData(0.02)]
    [InlineData(0.002)]
    public void BasinSize_OfTwoPointsAtSpacing_s_IsWhereReNoiseCrossesTheMidpoint_t_Star_Eq_HalfLn1PlusSHalfSquaredOverZ2(double s)
    {
        // Two memories ±s/2 in 1-D, the point +s/2, return radius s/2 (half the distance to the other memory). The exact PF-ODE is odd
        // and its Heun steps (ratio ≈ 1.8 in t, each step < Δ_t) keep the sign, and the end D jump lands in (0, s/2] for x > 0: a trial
        // returns iff e^{−t}s/2 + √Δ_t z > 0, with probability P(t) = Φ((s/2)/√(e^{2t} − 1)). P = q at t*(q) = ½ ln(1 + (s/2)²/Φ⁻¹(q)²),
        // so the basin (P ≥ 0.9) is t*(0.9) ≈ s²/13: it scales with the spacing squared.
        using var a = Matrix([-s / 2, s / 2], 1);
        using var den = Exact(a);
        using var point = Matrix([s / 2], 1);
        const int trials = 1600;
        var options = new BasinOptions(Trials: trials);
        var levels = options.LevelsOrDefault;
        var radii = AssociativeMemory.ReturnRadii(point, a, deltaM: 1e-3 * s);
        Assert.Equal(s / 2, radii[0], 1e-12 * s);
        var b = Assert.Single(AssociativeMemory.BasinSizes(den, point, radii, options, seed: 17));

        // Per level: within 4 binomial SE, plus 1/trials for the binomial's discreteness where P is within 1e-4 of 1.
        for (int k = 0; k < levels.Length; k++)
        {
            double p = Phi(s / 2 / Math.Sqrt(double.ExpM1(2 * levels[k])));
            Assert.InRange(b.ReturnProbability[k], p - 4 * Math.Sqrt(p * (1 - p) / trials) - 1.0 / trials, p + 4 * Math.Sqrt(p * (1 - p) / trials) + 1.0 / trials);
        }

        // The basin: every level with P ≥ 0.9 + 4 SE passes, every level with P < 0.9 − 4 SE fails (SE = √(0.9·0.1/trials) = 0.0075),
        // so the measured size is the grid level at or below t* somewhere in [t*(0.93), t*(0.87)].
        double se = Math.Sqrt(0.09 / trials);
        double TStar(double q) => 0.5 * Math.Log(1 + s * s / 4 / Math.Pow(MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, q), 2));
        double lo = TStar(0.9 + 4 * se), hi = TStar(0.9 - 4 * se);
        Assert.Equal(BasinCensoring.None, b.Censoring);
        double Floor(double t) => levels.Where(l => l <= t).DefaultIfEmpty(double.NaN).Max();
        Assert.InRange(b.Size, Floor(lo), Floor(hi));
    }

    [Fact]
    public void BasinSize_OnTheEvenCircle_IsWhereReNoiseLeavesTheVoronoiWedge_ByQuadrature()
    {
        // n evenly spaced points on the unit circle. Reflection about the bisector of two neighbours maps the set onto itself, so the
        // exact score is symmetric about it and the PF-ODE never crosses it: a re-noised training point a returns iff
        // x = e^{−t}a + √Δ_t z lies in a's wedge |angle| < π/n (the end point then lands on a, within ρ = s/2 = sin(π/n)).
        // P(t) = ∫₀^∞ N(x; e^{−t}, Δ_t) (2Φ(x tan(π/n)/√Δ_t) − 1) dx, by Simpson's rule on 4000 panels over ±10 sd (error ≪ 1e−6).
        const int n = 8;
        var pts = new CircleSpec(n, Evenly: true).Generate(0).Data;
        using var a = pts.ToTensor(ScalarType.Float64);
        using var den = Exact(a);
        using var point = a.narrow(0, 0, 1).clone();
        const int trials = 1600;
        var options = new BasinOptions(Trials: trials);
        var levels = options.LevelsOrDefault;
        var radii = AssociativeMemory.ReturnRadii(point, a, deltaM: 1e-6);
        Assert.Equal(Math.Sin(Math.PI / n), radii[0], 1e-6);
        var b = Assert.Single(AssociativeMemory.BasinSizes(den, point, radii, options, seed: 23));

        double tan = Math.Tan(Math.PI / n);
        double P(double t)
        {
            double m = Math.Exp(-t), sd = Math.Sqrt(-double.ExpM1(-2 * t));
            double lo = Math.Max(0, m - 10 * sd), hi = m + 10 * sd, h = (hi - lo) / 4000, sum = 0; // ±10 sd: the rest is < 1e−22
            for (int i = 0; i <= 4000; i++)
            {
                double x = lo + i * h, f = Math.Exp(-0.5 * Math.Pow((x - m) / sd, 2)) / (sd * Math.Sqrt(2 * Math.PI)) * (2 * Phi(Math.Min(x * tan / sd, 40)) - 1);
                sum += f * (i == 0 || i == 4000 ? 1 : i % 2 == 1 ? 4 : 2);
            }
            return sum * h / 3;
        }
        for (int k = 0; k < levels.Length; k++)
        {
            double p = Math.Clamp(P(levels[k]), 0, 1); // quadrature round-off can step past 1 by ~1e−9
            Assert.InRange(b.ReturnProbability[k], p - 4 * Math.Sqrt(p * (1 - p) / trials) - 1.0 / trials, p + 4 * Math.Sqrt(p * (1 - p) / trials) + 1.0 / trials);
        }
        // The basin lies between the grid floors of t*(0.9 + 4 SE) and t*(0.9 − 4 SE), t*(q) the root of P = q (P decreases in t).
        double se = Math.Sqrt(0.09 / trials);
        double TStar(double q)
        {
            double lo = 1e-9, hi = 1.0;
            for (int i = 0; i < 200; i++) { double mid = Math.Sqrt(lo * hi); if (P(mid) > q) lo = mid; else hi = mid; }
            return lo;
        }
        double Floor(double t) => levels.Where(l => l <= t).DefaultIfEmpty(double.NaN).Max();
        Assert.Equal(BasinCensoring.None, b.Censoring);
        Assert.InRange(b.Size, Floor(TStar(0.9 + 4 * se)), Floor(TStar(0.9 - 4 * se)));
    }

    [Fact]
    public void BasinSize_BelowTheSmallestLevel_IsCensored_NotZero()
    {
        // s = 4e-4: t*(0.9) = ½ ln(1 + (2e-4)²/1.28²) ≈ 1.2e-8 ≪ the smallest level 1e-7, where P = Φ(2e-4/4.5e-4) ≈ 0.67.
        using var a = Matrix([-2e-4, 2e-4], 1);
        using var den = Exact(a);
        using var point = Matrix([2e-4], 1);
        var b = Assert.Single(AssociativeMemory.BasinSizes(den, point, AssociativeMemory.ReturnRadii(point, a, 1e-6), new BasinOptions(Trials: 400), seed: 2));
        Assert.Equal(BasinCensoring.BelowSmallest, b.Censoring);
        Assert.Equal(1e-7, b.Size, 1e-15);
        var summary = BasinSummary.Of([b]);
        Assert.Equal(BasinCensoring.BelowSmallest, summary.MedianCensoring);
        Assert.Equal("< 1E-07", summary.MedianText());
    }

    [Fact]
    public void BasinSummary_OrdersCensoredBasinsBelowEveryMeasuredOne_AndTakesTheLowerMedian()
    {
        BasinSize B(double size, BasinCensoring c = BasinCensoring.None) => new(size, c, 0.1, []);
        var mostlyCensored = BasinSummary.Of([B(0.01), B(1e-7, BasinCensoring.BelowSmallest), B(1e-7, BasinCensoring.BelowSmallest), B(0.1)]);
        Assert.Equal((4, 2, 0, BasinCensoring.BelowSmallest), (mostlyCensored.Count, mostlyCensored.BelowSmallest, mostlyCensored.AboveLargest, mostlyCensored.MedianCensoring));
        var measured = BasinSummary.Of([B(0.01), B(1e-7, BasinCensoring.BelowSmallest), B(1.0, BasinCensoring.AboveLargest), B(0.1), B(0.001)]);
        Assert.Equal(0.01, measured.Median); // order: < 1e-7, 0.001, 0.01, 0.1, ≥ 1
        Assert.Equal(BasinCensoring.None, measured.MedianCensoring);
        Assert.Equal(0.001, BasinSummary.Of([B(0.01), B(0.001)]).Median); // lower median stays on the grid
        Assert.True(double.IsNaN(BasinSummary.Of([]).Median));
        Assert.Equal("≥ 1", BasinSummary.Of([B(1.0, BasinCensoring.AboveLargest)]).MedianText());
    }

    [Fact]
    public void ReturnRadii_AreHalfTheDistanceToTheNearestTrainingPointOtherThanTheCopiedOne()
    {
        using var a = Matrix([0.0, 1.0, 3.0], 1);
        using var p = Matrix([0.001, 2.2, 2.95], 1);
        // 0.001 copies 0 (within δ_m = 0.01): the other is 1 at 0.999. 2.2 copies nothing: nearest 3 at 0.8. 2.95 is no copy at δ_m = 0.01
        // (0.05 away), so its radius is half of 0.05: landing on 3 is no return.
        var r = AssociativeMemory.ReturnRadii(p, a, deltaM: 0.01);
        Assert.Equal(new[] { 0.4995, 0.4, 0.025 }, r.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.2, AssociativeMemory.ReturnRadii(p, a, 0.01, fraction: 0.25)[1], 12);
        Assert.Contains("n ≥ 2", Assert.Throws<ArgumentException>(() => AssociativeMemory.ReturnRadii(p, Matrix([1.0], 1), 0.01)).Message);
        Assert.Contains("fraction", Assert.Throws<ArgumentException>(() => AssociativeMemory.ReturnRadii(p, a, 0.01, 0)).Message);
    }

    [Fact]
    public void DefaultBasinLevels_RunFrom10TMinTo1_FourPerDecade_AboveTMin()
    {
        var o = new BasinOptions();
        var levels = o.LevelsOrDefault;
        Assert.Equal(29, levels.Length);
        Assert.Equal(1e-7, levels[0], 1e-20);
        Assert.Equal(1.0, levels[^1], 1e-12);
        for (int k = 1; k < levels.Length; k++) Assert.Equal(Math.Pow(10, 0.25), levels[k] / levels[k - 1], 1e-9);
        Assert.True(levels[0] > o.TMin);
        Assert.Contains("TMin < 0.1", Assert.Throws<ArgumentException>(() => new BasinOptions(TMin: 0.2).Validate()).Message);
        Assert.Contains("ReturnFraction", Assert.Throws<ArgumentException>(() => new BasinOptions(ReturnFraction: 1.5).Validate()).Message);
    }

    [Fact]
    public void BasinSizes_DoNotDependOnWhichPointsShareTheBatch()
    {
        using var a = Matrix([-1.0, 1.0, 3.0], 1);
        using var den = Exact(a);
        using var both = Matrix([1.0, 3.0], 1);
        using var first = Matrix([1.0], 1);
        var options = new BasinOptions([0.05, 0.2, 0.5], Trials: 16);
        var together = AssociativeMemory.BasinSizes(den, both, [0.5, 0.5], options, seed: 9);
        var alone = AssociativeMemory.BasinSizes(den, first, [0.5], options, seed: 9);
        Assert.Equal(alone[0].ReturnProbability, together[0].ReturnProbability);
    }

    [Fact]
    public void MedianSpacing_OfEvenlySpacedCirclePoints_IsTheChord()
    {
        var data = new CircleSpec(100, Evenly: true).Generate(0).Data;
        using var a = data.ToTensor(ScalarType.Float64);
        // chord 2 sin(π/n); float32 coordinates: 1e-6.
        Assert.Equal(2 * Math.Sin(Math.PI / 100), AssociativeMemory.MedianSpacing(a), 1e-6);
    }

    [Fact]
    public void Experiment_OnTheCircle_MemorizesWithFewPointsAndFormsTheRingWithMany()
    {
        var data = new CircleSpec(256, Evenly: false).Generate(0).Data;
        var options = new MemoryOptions([4, 256], Times: [0.01, 0.05, 0.6], Samples: 32, SamplerSteps: 60, BasinPoints: 4,
            FixedPoints: new FixedPointOptions(Starts: 64), Basins: new BasinOptions([0.01, 0.1, 1.0], Trials: 8));
        var r = MemoryExperiment.Run(data, options, isCircle: true);
        var few = r.Sizes[0];
        // n = 4 at t = 0.01: kernel std 0.14 ≪ spacing ≈ 1.4: one minimum per training point, no spurious one.
        Assert.Equal(0, few.FixedPoints[0].Spurious);
        Assert.InRange(few.FixedPoints[0].Training, 1, 4);
        Assert.Equal(1.0, few.Memorized);
        var many = r.Sizes[1];
        // n = 256 at t = 0.05 (kernel std 0.32 ≫ spacing 0.025): fixed points are spurious, at the ring radius R(β ≈ 4.8) ≈ 0.89;
        // random (not even) angles move the radius by O(1/√n) of the kernel: tolerance 0.03.
        var ring = many.FixedPoints[1];
        Assert.True(ring.Spurious > 0 && ring.Training == 0);
        Assert.Equal(ring.TheoryRingRadius!.Value, ring.MeanRadius, 0.03);
        // t = 0.6 > ½ ln 1.5: one fixed point near the centre.
        Assert.Equal(1, many.FixedPoints[2].Count);
        Assert.InRange(many.FixedPoints[2].MeanRadius, 0, 0.1);
        Assert.NotNull(r.Landscape);
        Assert.Equal(1.0, few.Memorized + few.Spurious + few.Generalized, 12);
        // Basins: the n = 4 samples are copies, each with radius half the distance from its training point to the nearest other one;
        // the n = 256 samples are smoothings of the stopped score (kernel 0.045 ≫ h), no attractors of the exact score: censored below 0.01.
        Assert.Equal(4, few.BasinMemorized.Count);
        using var first4 = data.ToTensor(ScalarType.Float64).narrow(0, 0, 4);
        var spacing = DiffusionDynamics.Analysis.NearestNeighbours.Find(first4, first4).SecondDistance;
        // A copy lies within δ_m of its training point, so its distance to the other one differs from the spacing by ≤ δ_m: radius ± δ_m/2.
        Assert.All(few.Basins, b => Assert.Contains(spacing, h => Math.Abs(b.ReturnRadius - h / 2) <= 0.5 * few.DeltaM));
        Assert.Equal(BasinCensoring.BelowSmallest, many.BasinAll.MedianCensoring);
        Assert.Equal(0.01, many.BasinAll.Median);
    }

    [Fact]
    public void InvalidInputs_Throw_NamingTheBadValue()
    {
        using var a = Matrix([0.0, 1.0], 1);
        using var x2 = Matrix([0.0, 1.0], 2);
        using var nan = Matrix([double.NaN], 1);
        using var den = Exact(a);
        Assert.Contains("d = 2", Assert.Throws<ArgumentException>(() => AssociativeMemory.Energy(x2, a, 1)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => AssociativeMemory.Energy(nan, a, 1)).Message);
        Assert.Contains("beta", Assert.Throws<ArgumentException>(() => AssociativeMemory.Energy(a, a, 0)).Message);
        Assert.Contains("t must", Assert.Throws<ArgumentException>(() => AssociativeMemory.FindFixedPoints(den, 0, a, a, 0.1, 1)).Message);
        Assert.Contains("n ≥ 2", Assert.Throws<ArgumentException>(() => AssociativeMemory.MedianSpacing(Matrix([1.0], 1))).Message);
        Assert.Contains("≥ 2 samples", Assert.Throws<ArgumentException>(() => AssociativeMemory.LabelSamples(Matrix([1.0], 1), a, 0.1, 0.1)).Message);
        Assert.Contains("deltaS", Assert.Throws<ArgumentException>(() => AssociativeMemory.LabelSamples(a, a, 0.1, -1)).Message);
        Assert.Contains("ascending", Assert.Throws<ArgumentException>(() => new BasinOptions([0.5, 0.1]).Validate()).Message);
        Assert.Contains("Probability", Assert.Throws<ArgumentException>(() => new BasinOptions(Probability: 1.5).Validate()).Message);
        Assert.Contains("size", Assert.Throws<ArgumentException>(() => new MemoryOptions([1]).Validate()).Message);
        Assert.Contains("exceeds", Assert.Throws<ArgumentException>(() =>
            MemoryExperiment.Run(new CircleSpec(8).Generate(0).Data, new MemoryOptions([16]))).Message);
    }

    [Fact]
    public void Options_RoundTripThroughJson()
    {
        var o = new MemoryOptions([4, 16], Times: [0.01, 0.1], Samples: 8, MemorizedRadius: 0.2,
            FixedPoints: new FixedPointOptions(Starts: 7), Basins: new BasinOptions([0.01, 0.1], Trials: 3, Sampler: DiffusionDynamics.Sampling.SamplerKind.OdeEuler));
        string json = System.Text.Json.JsonSerializer.Serialize(o, DiffusionDynamics.Reports.RunManifest.JsonOptions);
        var back = System.Text.Json.JsonSerializer.Deserialize<MemoryOptions>(json, DiffusionDynamics.Reports.RunManifest.JsonOptions)!;
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(back, DiffusionDynamics.Reports.RunManifest.JsonOptions));
        Assert.Equal(o.Sizes, back.Sizes);
        Assert.Equal(7, back.FixedPointsOrDefault.Starts);
        Assert.Equal(DiffusionDynamics.Sampling.SamplerKind.OdeEuler, back.BasinsOrDefault.Sampler);
    }

    [Fact]
    public void Experiment_WithTheSameSeed_ReproducesEveryNumber()
    {
        var data = new CircleSpec(16).Generate(2).Data;
        var options = new MemoryOptions([8, 16], Times: [0.01, 0.3], Samples: 8, SamplerSteps: 30, BasinPoints: 2, Seed: 11,
            FixedPoints: new FixedPointOptions(Starts: 16), Basins: new BasinOptions([0.01, 0.1], Trials: 4));
        var a = MemoryExperiment.Run(data, options, isCircle: true);
        var b = MemoryExperiment.Run(data, options, isCircle: true);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(a.Sizes[i].Memorized, b.Sizes[i].Memorized);
            Assert.Equal(a.Sizes[i].Basins.Select(x => x.Size), b.Sizes[i].Basins.Select(x => x.Size));
            Assert.Equal(a.Sizes[i].Basins.Select(x => x.ReturnRadius), b.Sizes[i].Basins.Select(x => x.ReturnRadius));
            Assert.Equal(a.Sizes[i].FixedPoints.Select(f => f.MeanRadius), b.Sizes[i].FixedPoints.Select(f => f.MeanRadius));
        }
    }

    [Fact]
    public void ModelFixedPoints_OfTheExactScoreAsTheModel_MatchTheBaseline_AtTheTimesAboveTMin()
    {
        // The "model" is the exact empirical score of the subset itself: its own map has the baseline's fixed points. Only the times
        // ≥ TMin are searched, and the looser model tolerance (10⁻³ h against 10⁻⁶ h) is far below the dedup radius 0.05 h, so the
        // counts of training and spurious points agree exactly.
        var data = new CircleSpec(64, Evenly: false).Generate(1).Data;
        var options = new MemoryOptions([8, 64], Times: [1e-4, 0.003, 0.05], TMin: 1e-3, Samples: 8, SamplerSteps: 30, BasinPoints: 0,
            FixedPoints: new FixedPointOptions(Starts: 64));
        var r = MemoryExperiment.Run(data, options, isCircle: true, modelFor: subset => new EmpiricalDenoiser(subset.ToTensor(ScalarType.Float64),
            new EmpiricalDenoiserOptions(Precision.Float64)), modelName: "exact score as a model");
        foreach (var s in r.Sizes)
        {
            Assert.NotNull(s.ModelFixedPoints);
            Assert.Equal([0.003, 0.05], s.ModelFixedPoints!.Select(f => f.T));
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(s.FixedPoints[i + 1].Training, s.ModelFixedPoints[i].Training);
                Assert.Equal(s.FixedPoints[i + 1].Spurious, s.ModelFixedPoints[i].Spurious);
            }
        }
        Assert.Null(MemoryExperiment.Run(data, options with { Sizes = [8] }, isCircle: true).Sizes[0].ModelFixedPoints);
    }

    private static double Phi(double z) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-z / Math.Sqrt(2));
}
