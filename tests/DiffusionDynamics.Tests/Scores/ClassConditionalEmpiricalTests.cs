using DiffusionDynamics.Data;
using DiffusionDynamics.Scores;
using TorchSharp;
using static DiffusionDynamics.Tests.Scores.ScoreOracles;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Scores;

public class ClassConditionalEmpiricalTests
{
    /// <summary>40 labelled points in d = 3: labels 2 (16 items), 5 (14) and 7 (10), class c shifted by 1.5 c along axis 0.</summary>
    private static Dataset Labelled()
    {
        var z = MixtureDenoiserTests.RoundToFloat(RandomMatrix(40, 3, 21));
        var labels = Enumerable.Range(0, 40).Select(i => i < 16 ? 2 : i < 30 ? 5 : 7).ToArray();
        for (int i = 0; i < 40; i++) z[i, 0] += 1.5 * Array.IndexOf(new[] { 2, 5, 7 }, labels[i]);
        return new Dataset(MixtureDenoiserTests.Flatten(z), 40, 3, labels, name: "three-classes");
    }

    /// <summary>
    /// Independent oracle in plain doubles: ln p(c | x) = lse_{μ ∈ c}(ln π_c − ln n_c − |x − a^μ e^{−t}|²/(2Δ_t)) − lse over all classes,
    /// from the distances themselves (not the logits the class uses).
    /// </summary>
    private static double[,] DirectLogPosterior(Dataset data, double[,] x, double t)
    {
        var classes = data.Classes();
        double theta = Math.Exp(-t), delta = 1 - Math.Exp(-2 * t);
        int b = x.GetLength(0), d = data.Dimension;
        var result = new double[b, classes.Length];
        for (int i = 0; i < b; i++)
        {
            var perClass = new double[classes.Length];
            for (int c = 0; c < classes.Length; c++)
            {
                var terms = new List<double>();
                int nc = data.CountOf(classes[c]);
                for (int mu = 0; mu < data.Count; mu++)
                {
                    if (data.Labels![mu] != classes[c]) continue;
                    double dist = 0;
                    for (int j = 0; j < d; j++) { double r = x[i, j] - data.Row(mu)[j] * theta; dist += r * r; }
                    terms.Add(Math.Log(nc / (double)data.Count) - Math.Log(nc) - dist / (2 * delta));
                }
                double m = terms.Max();
                perClass[c] = m + Math.Log(terms.Sum(v => Math.Exp(v - m)));
            }
            double mm = perClass.Max();
            double lse = mm + Math.Log(perClass.Sum(v => Math.Exp(v - mm)));
            for (int c = 0; c < classes.Length; c++) result[i, c] = perClass[c] - lse;
        }
        return result;
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.6)]
    [InlineData(2.0)]
    public void LogClassPosterior_MatchesTheDirectComputation(double t)
    {
        // Both in float64; the logits form loses ~ε·|x||a|/Δ_t ≈ 1e-14 at t = 0.05: bound 1e-10.
        var data = Labelled();
        using var model = new ClassConditionalEmpirical(data);
        var x = RandomMatrix(6, 3, 22, 2.0);
        using var logp = model.LogClassPosterior(torch.tensor(x), t);
        var expected = DirectLogPosterior(data, x, t);
        Assert.Equal(new[] { 2, 5, 7 }, model.Classes);
        for (int i = 0; i < 6; i++)
        {
            for (int c = 0; c < 3; c++) Assert.Equal(expected[i, c], logp[i, c].item<double>(), 1e-10);
            Assert.Equal(1.0, logp[i].exp().sum().item<double>(), 1e-12);
        }
    }

    [Fact]
    public void LogClassPosterior_StaysFiniteAtSmallTime_WhereTheSoftmaxUnderflows()
    {
        // t = 1e-4 (Δ_t ≈ 2e-4): a point near a training item of class 2 has ln p(5 | x) ≈ −(distance²)/(2Δ_t) ≈ −10³,
        // far below ln(double.Epsilon) ≈ −745, so summing posterior weights per class gives exactly 0 there. The logits form
        // loses ~ε·|x||a|/Δ_t ≈ 1e-16·10/2e-4 ≈ 1e-11 absolute: bound 1e-6 on values of order 10³.
        var data = Labelled();
        using var model = new ClassConditionalEmpirical(data);
        double t = 1e-4;
        var x = new double[1, 3];
        for (int j = 0; j < 3; j++) x[0, j] = data.Row(0)[j] * Math.Exp(-t) + 0.001;
        using var logp = model.LogClassPosterior(torch.tensor(x), t);
        var expected = DirectLogPosterior(data, x, t);
        Assert.True(logp.isfinite().all().item<bool>());
        Assert.True(logp[0, 1].item<double>() < -745);
        for (int c = 0; c < 3; c++) Assert.Equal(expected[0, c], logp[0, c].item<double>(), 1e-6);
        Assert.Equal(0.0, logp[0, 0].item<double>(), 1e-12);

        using var all = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        using var w = all.PosteriorWeights(torch.tensor(x), t);
        Assert.Equal(0.0, w[0].narrow(0, 16, 14).sum().item<double>()); // the softmax route: p = 0, ln p = −∞
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(1.0)]
    public void Denoise_AndLogDensity_AreThoseOfTheWholeSet(double t)
    {
        // D = Σ_c p(c|x) D_c and P_t = Σ_c π_c P_t(·|c) hold exactly for the empirical score; float64 round-off only.
        var data = Labelled();
        using var model = new ClassConditionalEmpirical(data);
        using var all = new EmpiricalDenoiser(data, new EmpiricalDenoiserOptions(Precision.Float64));
        using var x = torch.tensor(RandomMatrix(5, 3, 23, 2.0));
        Assert.True((model.Denoise(x, t) - all.Denoise(x, t)).abs().max().item<double>() < 1e-12);
        Assert.True((model.LogDensity(x, t) - all.LogDensity(x, t)).abs().max().item<double>() < 1e-10);
        Assert.Equal(new[] { 16 / 40.0, 14 / 40.0, 10 / 40.0 }, model.Priors);
    }

    [Fact]
    public void Capabilities_AndForClass()
    {
        var data = Labelled();
        using var model = new ClassConditionalEmpirical(data);
        IDenoiser d = model;
        Assert.Same(model, d.As<IClassPosterior>());
        Assert.Same(model, d.As<IClassConditional>());
        Assert.Equal(14, model.ForClass(5).Count);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => model.ForClass(3)).ParamName);
        var unlabelled = new Dataset(new float[6], 2, 3, name: "plain");
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => new ClassConditionalEmpirical(unlabelled)).ParamName);
    }
}
