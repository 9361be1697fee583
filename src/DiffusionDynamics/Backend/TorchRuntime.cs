using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace DiffusionDynamics.Backend;

/// <summary>
/// One place that prepares libtorch for this machine kind before the first tensor is made.
/// <list type="bullet">
/// <item><c>ONEDNN_MAX_CPU_ISA=AVX</c>: oneDNN's AVX2/AVX-512 float32 conv2d input gradients are wrong on
/// this CPU (README, "TorchSharp on this machine kind"; Backend/ConvGradientFixTests); capping the ISA fixes them. Set through libc <c>setenv</c>, because
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not reach native <c>getenv</c>.</item>
/// <item><c>OMP_WAIT_POLICY=PASSIVE</c>: OpenMP threads that spin after a GEMM slow the element-wise ops
/// that follow by 10–50× on two cores.</item>
/// <item>NNPACK disabled (it prints "Unsupported hardware" thousands of times).</item>
/// <item>oneMKL's vendor check answered "Intel" on AMD CPUs (<see cref="MklCpuDispatch"/>): float32 GEMM
/// ~2.4× faster on AVX-512 EPYC (bench/FINDINGS.md). Opt out with <c>DIFFDYN_MKL_INTEL_PATH=0</c>.</item>
/// <item><c>MKL_CBWR=AUTO,STRICT</c>: oneMKL's GEMMs give the same bits on any thread count, so results do not
/// depend on <c>DIFFDYN_THREADS</c> (README, Reliability).</item>
/// <item>Intra-op threads = <see cref="Environment.ProcessorCount"/> unless <c>DIFFDYN_THREADS</c> says otherwise.</item>
/// </list>
/// Environment variables already set by the user are respected.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool initialized;

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnvNative(string name, string value, int overwrite);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [MarshalAs(UnmanagedType.I1)] bool enabled);

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    /// <summary>
    /// The native settings in force (name → value), for run manifests: the environment variables set before
    /// libtorch loaded, the oneMKL dispatch override status and, after <see cref="EnsureInitialized"/>,
    /// the intra-op thread count.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NativeSettings { get; private set; } = new Dictionary<string, string>();

    /// <summary>True when NNPACK could be switched off through libtorch's global context.</summary>
    public static bool NnpackDisabled { get; private set; }

#pragma warning disable CA2255 // the native environment must be set before any code path can load libtorch
    [ModuleInitializer]
    internal static void OnModuleLoad() => ApplyNativeEnvironment();
#pragma warning restore CA2255

    private static bool environmentApplied;

    /// <summary>Sets the native environment variables (no libtorch call); safe to call repeatedly.</summary>
    public static void ApplyNativeEnvironment()
    {
        lock (Gate)
        {
            if (environmentApplied) return;
            var settings = new Dictionary<string, string>();
            if (OperatingSystem.IsLinux())
            {
                SetDefault("ONEDNN_MAX_CPU_ISA", "AVX", settings);
                SetDefault("OMP_WAIT_POLICY", "PASSIVE", settings);
                SetDefault("KMP_BLOCKTIME", "0", settings);
                // oneMKL's strict conditional numerical reproducibility: GEMM results do not depend on the number of
                // threads (without it, DIFFDYN_THREADS=1 and 2 differed in float32 sampling at large n and in the float64
                // nearest-neighbour distances); measured at no cost on the sampling benchmark.
                SetDefault("MKL_CBWR", "AUTO,STRICT", settings);
                MklCpuDispatch.TryApply();
                settings[MklCpuDispatch.OverriddenSymbol] = MklCpuDispatch.Status;
            }
            NativeSettings = settings;
            environmentApplied = true;
        }
    }

    /// <summary>Idempotent; call before any direct <c>torch.*</c> use outside this library.</summary>
    public static void EnsureInitialized()
    {
        if (initialized) return;
        lock (Gate)
        {
            if (initialized) return;
            ApplyNativeEnvironment();
            int threads = ThreadsFromEnvironment();
            torch.set_num_threads(threads);
            NativeSettings = new Dictionary<string, string>(NativeSettings) { ["torch.set_num_threads"] = threads.ToString() };
            try
            {
                SetUserEnabledNnpack(GlobalContext(), false);
                NnpackDisabled = true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                NnpackDisabled = false;
            }
            initialized = true;
        }
    }

    /// <summary>
    /// The intra-op thread count: <c>DIFFDYN_THREADS</c> when set, else <see cref="Environment.ProcessorCount"/>.
    /// Throws <see cref="ArgumentException"/> when the variable is set to anything but an integer ≥ 1.
    /// </summary>
    public static int ThreadsFromEnvironment() => ThreadsFrom(Environment.GetEnvironmentVariable("DIFFDYN_THREADS"));

    /// <summary>The thread count a <c>DIFFDYN_THREADS</c> value asks for (null: all cores); throws <see cref="ArgumentException"/> unless an integer ≥ 1.</summary>
    public static int ThreadsFrom(string? text)
    {
        if (text is null) return Environment.ProcessorCount;
        if (int.TryParse(text.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int t) && t >= 1) return t;
        throw new ArgumentException($"DIFFDYN_THREADS expects an integer ≥ 1 (or unset for all {Environment.ProcessorCount} cores), got '{text}'.");
    }

    private static void SetDefault(string name, string value, Dictionary<string, string> settings)
    {
        string? existing = Environment.GetEnvironmentVariable(name);
        if (existing is null)
        {
            SetEnvNative(name, value, 0);
            Environment.SetEnvironmentVariable(name, value);
            settings[name] = value;
        }
        else settings[name] = existing;
    }
}
