using DiffusionDynamics.Backend;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Backend;

public class TorchRuntimeTests
{
    [Fact]
    public void Nnpack_is_disabled()
    {
        TorchRuntime.EnsureInitialized();
        Assert.True(TorchRuntime.NnpackDisabled);
    }

    [Fact]
    public void Intra_op_thread_count_is_set_and_recorded()
    {
        TorchRuntime.EnsureInitialized();
        int expected = int.TryParse(Environment.GetEnvironmentVariable("DIFFDYN_THREADS"), out int t) && t > 0 ? t : Environment.ProcessorCount;
        Assert.Equal(expected, torch.get_num_threads());
        Assert.Equal(expected.ToString(), TorchRuntime.NativeSettings["torch.set_num_threads"]);
    }

    [Fact]
    public void Native_settings_record_the_environment_set_before_libtorch_loaded()
    {
        foreach (string name in new[] { "ONEDNN_MAX_CPU_ISA", "OMP_WAIT_POLICY", "KMP_BLOCKTIME", MklCpuDispatch.OverriddenSymbol })
            Assert.True(TorchRuntime.NativeSettings.ContainsKey(name), $"{name} missing from NativeSettings");
    }
}
