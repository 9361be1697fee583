using DiffusionDynamics.Data;
using DiffusionDynamics.Theory;

namespace DiffusionDynamics.Tests.Theory;

public class SpeciationTimeTests
{
    [Fact]
    public void ClosedForms()
    {
        Assert.Equal(0.5 * Math.Log(101), SpeciationTime.TwoCluster(10, 1), 15);
        Assert.Equal(0.0, SpeciationTime.FromLargestEigenvalue(1.0));
        Assert.Equal(Math.Log(2), SpeciationTime.FromLargestEigenvalue(4.0), 15);
        Assert.Equal(5.0, SpeciationTime.TwoClusterLargestEigenvalue(2, 1), 15);
    }

    [Fact]
    public void SmallVariance_GivesNonPositiveTimeFlaggedUndefined()
    {
        // Four points on a square of side 0.2: covariance 0.01 I, Λ = 0.01, t_S = ½ ln 0.01 < 0.
        var ds = new Dataset([0f, 0f, 0.2f, 0f, 0f, 0.2f, 0.2f, 0.2f], 4, 2);
        var est = SpeciationTime.Estimate(ds.ToTensor(TorchSharp.torch.ScalarType.Float64));
        Assert.Equal(0.01, est.LargestEigenvalue, 1e-8); // float32 storage of 0.2: relative 3e-8
        Assert.True(est.Time < 0);
        Assert.False(est.IsDefined);
        Assert.Equal(SpectrumMethod.Exact, est.Spectrum.Method);
    }

    [Fact]
    public void InvalidInputs_Throw()
    {
        Assert.Throws<ArgumentException>(() => SpeciationTime.FromLargestEigenvalue(0));
        Assert.Throws<ArgumentException>(() => SpeciationTime.FromLargestEigenvalue(double.NaN));
        Assert.Throws<ArgumentException>(() => SpeciationTime.TwoCluster(-1, 1));
        Assert.Throws<ArgumentException>(() => SpeciationTime.TwoCluster(1, double.NaN));
        Assert.Throws<ArgumentException>(() => SpeciationTime.Estimate(new Dataset([1f, 2f], 1, 2).ToTensor(TorchSharp.torch.ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => SpeciationTime.Estimate(new Dataset([1f, 2f, 1f, 2f], 2, 2).ToTensor(TorchSharp.torch.ScalarType.Float64)));
    }
}
