using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

/// <summary>
/// Seeded mutation fuzzing of every reader (.npy, .npz, IDX plain and gzip, CSV) through <see cref="DataSource.Parse"/>:
/// each mutated file gives a valid dataset or a <see cref="DataFormatException"/> naming it, never another exception
/// and never a hang. A fixed seed and a bounded count keep it in CI (about a second per format).
/// </summary>
[Collection(RunAloneCollection.Name)]
public class ReaderFuzzTests : IDisposable
{
    private const int MutantsPerFormat = 150;
    private readonly string root = Path.Combine(Path.GetTempPath(), "diffdyn-fuzz-" + Guid.NewGuid().ToString("N"));

    public ReaderFuzzTests() => Directory.CreateDirectory(root);

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, true);
        GC.SuppressFinalize(this);
    }

    private static Dataset Seed()
    {
        var values = Enumerable.Range(0, 6 * 16).Select(i => (float)Math.Sin(i)).ToArray();
        return new Dataset(values, 6, 16, [0, 1, 0, 1, 1, 0], [1, 4, 4], name: "seed");
    }

    /// <summary>A valid file of each format, written by the project's own writers.</summary>
    private string Write(string format)
    {
        var data = Seed();
        switch (format)
        {
            case "npy":
            {
                string p = Path.Combine(root, "seed.npy");
                Npy.Write(p, data.Values.ToArray(), [6, 4, 4]);
                return p;
            }
            case "npz":
            {
                string p = Path.Combine(root, "seed.npz");
                Npz.Write(p, [new("x", new NpyArray(data.Values.ToArray(), [6, 16])), new("y", new NpyArray(data.Labels!.ToArray(), [6]))], compress: false);
                return p;
            }
            case "npz-deflate":
            {
                string p = Path.Combine(root, "seed-deflate.npz");
                Npz.Write(p, [new("x", new NpyArray(data.Values.ToArray(), [6, 16]))], compress: true);
                return p;
            }
            case "idx":
            case "idx-gz":
            {
                string p = Path.Combine(root, format == "idx" ? "seed-idx" : "seed-idx.gz");
                IdxWriter.WriteDataset(new Dataset(data.Values.ToArray().Select(v => (float)Math.Round(127.5 + 127 * v)).ToArray(), 6, 16, null, [1, 4, 4]), p, gzip: format == "idx-gz");
                return p;
            }
            default:
            {
                string p = Path.Combine(root, "seed.csv");
                Csv.Write(p, data);
                return p;
            }
        }
    }

    private static byte[] Mutate(byte[] original, System.Random rng)
    {
        var b = new List<byte>(original);
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && b.Count > 0; e++)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(7))
            {
                case 0: b[at] ^= (byte)(1 << rng.Next(8)); break;                           // bit flip
                case 1: b[at] = (byte)rng.Next(256); break;                                  // random byte
                case 2: b.RemoveRange(at, Math.Min(b.Count - at, 1 + rng.Next(16))); break;  // deletion
                case 3: b.InsertRange(at, Enumerable.Range(0, 1 + rng.Next(16)).Select(_ => (byte)rng.Next(256))); break;
                case 4: b.RemoveRange(at, b.Count - at); break;                               // truncation
                case 5: b[at] = new byte[] { 0, 0xFF, 0x7F, 0x80, (byte)'9', (byte)',', (byte)'\n', (byte)'-' }[rng.Next(8)]; break;
                default:                                                                       // duplicate a run
                    int len = Math.Min(b.Count - at, 1 + rng.Next(32));
                    b.InsertRange(at, b.GetRange(at, len));
                    break;
            }
        }
        return b.ToArray();
    }

    [Theory]
    [InlineData("npy", 1)]
    [InlineData("npz", 2)]
    [InlineData("npz-deflate", 3)]
    [InlineData("idx", 4)]
    [InlineData("idx-gz", 5)]
    [InlineData("csv", 6)]
    public async Task MutatedFiles_GiveAValidDatasetOrADataFormatException_NeverAnotherException(string format, int seed)
    {
        string valid = Write(format);
        Assert.True(DataSource.Parse(valid).Count > 0);
        var original = File.ReadAllBytes(valid);
        var rng = new System.Random(seed);
        int errors = 0, valids = 0;
        var unexpected = new List<string>();
        for (int i = 0; i < MutantsPerFormat; i++)
        {
            string path = Path.Combine(root, $"m{i}-{Path.GetFileName(valid)}");
            File.WriteAllBytes(path, Mutate(original, rng));
            var task = Task.Run(() => DataSource.Parse(path));
            if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))) != task)
            {
                unexpected.Add($"mutant {i}: no answer within 20 s");
                continue;
            }
            try
            {
                var d = await task;
                Assert.True(d.Count >= 1 && d.Dimension >= 1 && d.Values.Length == (long)d.Count * d.Dimension);
                valids++;
            }
            catch (DataFormatException dfe)
            {
                Assert.Contains(Path.GetFileName(path), dfe.Message);
                errors++;
            }
            catch (Exception e)
            {
                unexpected.Add($"mutant {i}: {e.GetType().Name}: {e.Message}");
            }
            File.Delete(path);
        }
        Assert.True(unexpected.Count == 0, $"{format}: {errors} errors, {valids} valid, {unexpected.Count} unexpected:\n" + string.Join("\n", unexpected.Take(15)));
    }
}
