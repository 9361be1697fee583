using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace DiffusionDynamics.Backend;

/// <summary>
/// Lets the oneMKL that libtorch links statically pick its Intel (AVX-512 / AVX2) GEMM kernels on AMD CPUs.
/// <para>
/// libtorch_cpu.so 2.10.0 carries oneMKL 2024.2 with its symbols exported and called through the PLT
/// (no <c>-Bsymbolic</c>, no <c>DF_SYMBOLIC</c>). oneMKL asks <c>mkl_serv_intel_cpu_true()</c> (a
/// "GenuineIntel" vendor check) before choosing a kernel; on AMD it answers 0 and sgemm falls back to a
/// slower path: 2048³ float32 at ~160 GFLOP/s instead of ~400 GFLOP/s on a 2-core AVX-512 EPYC
/// (bench/FINDINGS.md). A definition of that symbol that is already in the global symbol scope when
/// libtorch_cpu.so loads wins the lookup, exactly as an <c>LD_PRELOAD</c> override would.
/// </para>
/// <para>
/// This class writes a minimal ELF64 shared object in memory whose only export is
/// <c>int mkl_serv_intel_cpu_true(void) { return 1; }</c> (<c>mov eax, 1; ret</c>) and loads it with
/// <c>dlopen(RTLD_NOW | RTLD_GLOBAL)</c> before libtorch is touched. oneMKL still dispatches on the CPUID
/// feature bits, so it never runs instructions the CPU lacks; the override only removes the vendor test.
/// Applied on Linux x64, AMD CPUs with AVX2 and FMA only; <c>DIFFDYN_MKL_INTEL_PATH=0</c> turns it off.
/// </para>
/// </summary>
public static class MklCpuDispatch
{
    /// <summary>The oneMKL vendor-check function that the override replaces.</summary>
    public const string OverriddenSymbol = "mkl_serv_intel_cpu_true";

    /// <summary>Environment variable that disables the override when set to <c>0</c>.</summary>
    public const string OptOutVariable = "DIFFDYN_MKL_INTEL_PATH";

    private const string SoName = "libdiffdyn_mkl_intel_cpu.so";
    private const int RtldNow = 0x002;
    private const int RtldGlobal = 0x100;
    private const uint MfdCloexec = 1;

    /// <summary>True once the override library is in the global symbol scope of this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>Why the override was or was not applied (for run manifests).</summary>
    public static string Status { get; private set; } = "not attempted";

    /// <summary>The CPUID vendor string, e.g. "AuthenticAMD" or "GenuineIntel"; empty off x86.</summary>
    public static string CpuVendor { get; } = ReadCpuVendor();

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libdl.so.2", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();

    [DllImport("libdl.so.2", EntryPoint = "dlsym")]
    private static extern IntPtr DlSym(IntPtr handle, [MarshalAs(UnmanagedType.LPUTF8Str)] string name);

    [DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)]
    private static extern int MemfdCreate([MarshalAs(UnmanagedType.LPUTF8Str)] string name, uint flags);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    private static extern nint Write(int fd, byte[] buffer, nint count);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    /// <summary>
    /// Loads the override if this machine qualifies; must run before libtorch_cpu.so is loaded
    /// (called from <see cref="TorchRuntime.ApplyNativeEnvironment"/>, a module initializer).
    /// Never throws; the outcome is in <see cref="Applied"/> and <see cref="Status"/>.
    /// </summary>
    internal static void TryApply()
    {
        if (Applied) return;
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        { Status = "skipped: not Linux x64"; return; }
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0")
        { Status = $"skipped: {OptOutVariable}=0"; return; }
        if (CpuVendor != "AuthenticAMD")
        { Status = $"skipped: CPU vendor {CpuVendor} (override only matters on AMD)"; return; }
        if (!Avx2.IsSupported || !Fma.IsSupported)
        { Status = "skipped: CPU lacks AVX2/FMA"; return; }
        try
        {
            string? error = LoadGlobal(BuildOverrideLibrary());
            if (error is null)
            {
                Applied = true;
                Status = "applied: " + OverriddenSymbol + " → 1 (" + (Avx512F.IsSupported ? "AVX-512" : "AVX2") + " kernels)";
            }
            else Status = "failed: " + error;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException)
        {
            Status = "failed: " + e.Message;
        }
    }

    /// <summary>
    /// Calls <c>mkl_serv_intel_cpu_true</c> as the dynamic linker resolves it for libraries loaded from
    /// now on (global scope); 1 when the override is active. Null when no definition is in global scope.
    /// </summary>
    public static unsafe int? ProbeGlobalIntelCpuTrue()
    {
        if (!OperatingSystem.IsLinux()) return null;
        IntPtr f = DlSym(IntPtr.Zero /* RTLD_DEFAULT */, OverriddenSymbol);
        if (f == IntPtr.Zero) return null;
        return ((delegate* unmanaged<int>)f)();
    }

    private static string? LoadGlobal(byte[] image)
    {
        // Prefer an anonymous memory file (nothing on disk); fall back to a temporary file.
        int fd = -1;
        try { fd = MemfdCreate("diffdyn-mkl-intel-cpu", MfdCloexec); }
        catch (EntryPointNotFoundException) { }
        if (fd >= 0)
        {
            try
            {
                if (Write(fd, image, image.Length) == image.Length
                    && DlOpen($"/proc/self/fd/{fd}", RtldNow | RtldGlobal) != IntPtr.Zero)
                    return null;
            }
            finally { Close(fd); }
        }
        string path = Path.Combine(Path.GetTempPath(), $"diffdyn-mkl-{Environment.ProcessId}-{Guid.NewGuid():N}.so");
        try
        {
            File.WriteAllBytes(path, image);
            if (DlOpen(path, RtldNow | RtldGlobal) != IntPtr.Zero) return null;
            IntPtr err = DlError();
            return err == IntPtr.Zero ? "dlopen failed" : Marshal.PtrToStringUTF8(err);
        }
        finally { File.Delete(path); } // the mapping outlives the file
    }

    /// <summary>
    /// The override as an ELF64 x86-64 shared object: one read+execute page (headers, DT_HASH, dynsym,
    /// dynstr, code) and one read+write page (the dynamic section); no section headers.
    /// </summary>
    internal static byte[] BuildOverrideLibrary()
    {
        const int phnum = 4, hashOff = 0x120, symOff = 0x138, strOff = 0x168, dynOff = 0x1000;
        byte[] dynstr = Encoding.ASCII.GetBytes("\0" + OverriddenSymbol + "\0" + SoName + "\0");
        int nameOff = 1, soNameOff = 2 + OverriddenSymbol.Length;
        int codeOff = (strOff + dynstr.Length + 15) & ~15;
        byte[] code = [0xB8, 0x01, 0x00, 0x00, 0x00, 0xC3]; // mov eax, 1; ret
        int textEnd = codeOff + code.Length;
        (long Tag, long Value)[] dynamic =
        [
            (4, hashOff), (5, strOff), (6, symOff), (10, dynstr.Length), (11, 24), (14, soNameOff), (0, 0),
        ];
        int dynSize = dynamic.Length * 16;
        var b = new byte[dynOff + dynSize];
        var w = new Span<byte>(b);

        // ELF header.
        "\x7f"u8.CopyTo(w); "ELF"u8.CopyTo(w[1..]);
        w[4] = 2; w[5] = 1; w[6] = 1; // ELFCLASS64, little-endian, EV_CURRENT
        U16(w, 0x10, 3); U16(w, 0x12, 62); U32(w, 0x14, 1); // ET_DYN, EM_X86_64, EV_CURRENT
        U64(w, 0x20, 0x40); // e_phoff
        U16(w, 0x34, 64); U16(w, 0x36, 56); U16(w, 0x38, phnum); U16(w, 0x3A, 64);

        // Program headers: LOAD (R+X), LOAD (R+W), DYNAMIC, GNU_STACK (non-executable stack).
        Phdr(w, 0, type: 1, flags: 5, off: 0, size: textEnd, align: 0x1000);
        Phdr(w, 1, type: 1, flags: 6, off: dynOff, size: dynSize, align: 0x1000);
        Phdr(w, 2, type: 2, flags: 6, off: dynOff, size: dynSize, align: 8);
        Phdr(w, 3, type: 0x6474e551, flags: 6, off: 0, size: 0, align: 16);

        // DT_HASH with one bucket: bucket[0] = symbol 1, chain = {0, 0}.
        U32(w, hashOff, 1); U32(w, hashOff + 4, 2); U32(w, hashOff + 8, 1);

        // Symbol 1: GLOBAL FUNC, defined (any non-zero section index), value = code address.
        int s1 = symOff + 24;
        U32(w, s1, (uint)nameOff); w[s1 + 4] = 0x12; U16(w, s1 + 6, 1);
        U64(w, s1 + 8, (ulong)codeOff); U64(w, s1 + 16, (ulong)code.Length);

        dynstr.CopyTo(w[strOff..]);
        code.CopyTo(w[codeOff..]);
        for (int i = 0; i < dynamic.Length; i++)
        {
            U64(w, dynOff + 16 * i, (ulong)dynamic[i].Tag);
            U64(w, dynOff + 16 * i + 8, (ulong)dynamic[i].Value);
        }
        return b;

        static void Phdr(Span<byte> w, int i, uint type, uint flags, long off, long size, long align)
        {
            int p = 0x40 + 56 * i;
            U32(w, p, type); U32(w, p + 4, flags);
            U64(w, p + 8, (ulong)off); U64(w, p + 16, (ulong)off); U64(w, p + 24, (ulong)off);
            U64(w, p + 32, (ulong)size); U64(w, p + 40, (ulong)size); U64(w, p + 48, (ulong)align);
        }
    }

    private static void U16(Span<byte> w, int at, int v) => BitConverter.TryWriteBytes(w[at..], (ushort)v);
    private static void U32(Span<byte> w, int at, uint v) => BitConverter.TryWriteBytes(w[at..], v);
    private static void U64(Span<byte> w, int at, ulong v) => BitConverter.TryWriteBytes(w[at..], v);

    private static string ReadCpuVendor()
    {
        if (!X86Base.IsSupported) return "";
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<byte> v = stackalloc byte[12];
        BitConverter.TryWriteBytes(v, ebx);
        BitConverter.TryWriteBytes(v[4..], edx);
        BitConverter.TryWriteBytes(v[8..], ecx);
        return Encoding.ASCII.GetString(v);
    }
}
