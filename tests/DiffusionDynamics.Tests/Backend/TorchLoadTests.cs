using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Tests.Backend;

/// <summary>Fix 1 (README, "TorchSharp on this machine kind"): libLibTorchSharp.so loads on Debian 12 through the weak GLIBCXX_3.4.32 patch.</summary>
public class TorchLoadTests
{
    private const string PatchedVersion = "GLIBCXX_3.4.32";

    [Fact]
    public void A_tensor_operation_runs_in_libtorch()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = a.mm(a);
        Assert.Equal(new float[] { 7, 10, 15, 22 }, product.data<float>().ToArray());
    }

    [Fact]
    public void The_loaded_LibTorchSharp_marks_GLIBCXX_3_4_32_weak_when_the_system_libstdcxx_lacks_it()
    {
        using var _ = ones(1); // make sure the native library is mapped
        string loaded = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[^1].EndsWith("/libLibTorchSharp.so", StringComparison.Ordinal))
            .Select(f => f[^1]).First();
        var need = ElfVersionNeeds.Read(File.ReadAllBytes(loaded));
        Assert.True(need.ContainsKey(PatchedVersion), $"{loaded} no longer asks for {PatchedVersion}; the patch is moot");
        if (SystemLibStdCxxHas(PatchedVersion)) return; // newer distributions load the unpatched file
        Assert.True((need[PatchedVersion] & 0x2) != 0, $"{PatchedVersion} in {loaded} is not VER_FLG_WEAK (flags 0x{need[PatchedVersion]:x})");
    }

    private static bool SystemLibStdCxxHas(string version)
    {
        const string path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (!File.Exists(path)) return true;
        byte[] bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(version + "\0")) >= 0;
    }
}

/// <summary>Reads the (version name → vna_flags) entries of an ELF64 little-endian .gnu.version_r section.</summary>
internal static class ElfVersionNeeds
{
    public static Dictionary<string, ushort> Read(byte[] b)
    {
        var result = new Dictionary<string, ushort>();
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A), shnum = BitConverter.ToUInt16(b, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != 0x6ffffffe) continue; // SHT_GNU_verneed
            long off = BitConverter.ToInt64(b, sh + 0x18);
            int count = (int)BitConverter.ToUInt32(b, sh + 0x2C);
            int strSh = (int)(shoff + (long)BitConverter.ToUInt32(b, sh + 0x28) * shentsize);
            long strOff = BitConverter.ToInt64(b, strSh + 0x18);
            long vn = off;
            for (int k = 0; k < count; k++)
            {
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                long va = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                for (int j = 0; j < cnt; j++)
                {
                    int s = (int)(strOff + BitConverter.ToUInt32(b, (int)va + 8)), e = s;
                    while (b[e] != 0) e++;
                    result[Encoding.ASCII.GetString(b, s, e - s)] = BitConverter.ToUInt16(b, (int)va + 4);
                    uint next = BitConverter.ToUInt32(b, (int)va + 12);
                    if (next == 0) break;
                    va += next;
                }
                uint vnNext = BitConverter.ToUInt32(b, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return result;
    }
}
