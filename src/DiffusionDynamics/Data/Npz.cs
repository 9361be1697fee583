using System.IO.Compression;

namespace DiffusionDynamics.Data;

/// <summary>
/// NumPy .npz archives: a zip of .npy files (stored or deflated), as written by np.savez and np.savez_compressed;
/// the entry "x.npy" holds the array named "x".
/// </summary>
public static class Npz
{
    /// <summary>Keys tried, in order, for the data array by <see cref="ReadDataset"/>.</summary>
    public static readonly IReadOnlyList<string> DataKeys = ["x", "X", "data", "images"];

    /// <summary>Keys tried, in order, for the label array by <see cref="ReadDataset"/>.</summary>
    public static readonly IReadOnlyList<string> LabelKeys = ["y", "Y", "labels"];

    /// <summary>All arrays of the archive by name, in archive order.</summary>
    /// <exception cref="DataFormatException">Not a zip archive, an entry that is not .npy, or a malformed entry (the error names the entry).</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        var arrays = new OrderedDictionary<string, NpyArray>();
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/')) continue;
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                    throw new DataFormatException(path, $"entry '{entry.FullName}' is not a .npy file.");
                string entryName = $"{path}:{entry.FullName}";
                using var stream = entry.Open();
                var array = Npy.Read(stream, entryName);
                if (stream.ReadByte() >= 0) throw new DataFormatException(entryName, "trailing bytes after the array data.");
                arrays.Add(entry.FullName[..^4], array);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a valid zip (.npz) archive ({e.Message}).", null, e);
        }
        if (arrays.Count == 0) throw new DataFormatException(path, "the archive holds no arrays.");
        return arrays;
    }

    /// <summary>Writes named arrays as an .npz archive, deflated when <paramref name="compress"/> (np.savez_compressed) or stored (np.savez).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compress = true)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (key, array) in arrays)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException("Array names must be non-empty.", nameof(arrays));
            var entry = zip.CreateEntry(key + ".npy", compress ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var stream = entry.Open();
            Npy.Write(stream, array);
        }
    }

    /// <summary>
    /// Reads an .npz archive as a dataset: the data array is the first of the keys "x", "X", "data", "images"
    /// present, else the first array of rank ≥ 2; labels are "y", "Y" or "labels" if present. Shapes follow
    /// <see cref="Npy.ReadDataset"/>.
    /// </summary>
    public static Dataset ReadDataset(string path, string? name = null)
    {
        var arrays = Read(path);
        string? xKey = DataKeys.FirstOrDefault(arrays.ContainsKey) ?? arrays.FirstOrDefault(a => a.Value.Rank >= 2).Key;
        if (xKey is null)
            throw new DataFormatException(path, $"no data array: none of the keys {string.Join(", ", DataKeys)} and no array of rank ≥ 2 among [{string.Join(", ", arrays.Keys)}].");
        string? yKey = LabelKeys.FirstOrDefault(arrays.ContainsKey);
        int[]? labels = yKey is null ? null : Npy.ToLabels(arrays[yKey], $"{path}:{yKey}.npy");
        return Npy.ToDataset(arrays[xKey], labels, $"{path}:{xKey}.npy", $"{path}:{yKey}.npy", name ?? Path.GetFileName(path));
    }
}
