using System.Globalization;

namespace DiffusionDynamics.Data;

/// <summary>
/// The CLI's <c>--data</c> grammar: turns one text into a <see cref="Dataset"/>. Parsing (text → spec record)
/// is kept apart from generation (spec → data, <see cref="SyntheticSpec.Generate"/>).
/// <code>
/// builtin | builtin:train | builtin:test      the built-in Fashion-MNIST trouser/sneaker pair (see BuiltinData)
/// builtin:fashion10 | builtin:fashion10:test  the built-in ten-class Fashion-MNIST subset (see BuiltinFashion10)
/// PATH                                        .npy, .npz, .csv by extension; otherwise by content: IDX (plain or .gz), .npy, .npz
/// PATH.csv#label=COLUMN                       CSV with a label column (header name or 0-based index, −1 = last)
/// two-cluster:d=D,n=N[,mu=1][,sigma=1][,seed=0]
/// gaussian:d=D,n=N[,spectrum=LIST (default rest1: isotropic, unit variance)][,rotate=false][,seed=0]
/// manifold:d=D,n=N[,stds=2x1;5x0.3;rest0.01][,sphere=false][,rotate=false][,seed=0]
/// points:V,V,...                              e.g. points:-1,1
/// circle:n=N[,r=1][,noise=0][,evenly=false][,seed=0]
///
/// LIST = ITEM;ITEM;...   ITEM = V | KxV (K copies of V) | restV (V for every remaining direction; last item only)
///        or geometric:A:Q  (λ_k = A·Q^k, k = 0..d−1)           e.g. spectrum=4;1;0.5 (d = 3), spectrum=1x4;rest1
/// </code>
/// Booleans are true/false. Unknown or repeated keys, missing required keys, unparsable or out-of-range
/// values (d &lt; 1, n &lt; 1, sigma &lt; 0, NaN, a LIST whose length is not d) throw one <see cref="ArgumentException"/>.
/// </summary>
public static class DataSource
{
    /// <summary>Loads the data named by <paramref name="spec"/>, with labels from <paramref name="labelsPath"/> for data files (IDX, .npy or CSV labels, detected by content).</summary>
    /// <exception cref="ArgumentException">Bad spec text or a labels path given for built-in or synthetic data.</exception>
    /// <exception cref="DataFormatException">A malformed data or labels file.</exception>
    public static Dataset Parse(string spec, string? labelsPath = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec = spec.Trim();
        long seed = 0;
        if (BuiltinFashion10.ParseSpec(spec) is { } split10)
            return labelsPath is null ? BuiltinFashion10.Load(split10)
                : throw new ArgumentException($"A labels file applies only to data files, not to \"{spec}\".", nameof(labelsPath));
        var builtin = ParseBuiltin(spec);
        var synthetic = builtin is null ? ParseSynthetic(spec, out seed) : null;
        if ((builtin is not null || synthetic is not null) && labelsPath is not null)
            throw new ArgumentException($"A labels file applies only to data files, not to \"{spec}\".", nameof(labelsPath));
        if (builtin is { } split) return BuiltinData.Load(split);
        if (synthetic is not null) return synthetic.Generate(seed).Data;
        if (labelsPath is not null)
        {
            if (Directory.Exists(labelsPath)) throw OptionMessage.Argument($"Labels ({{Labels}}) \"{labelsPath}\" is a folder, not a labels file.", "Labels");
            if (!File.Exists(labelsPath)) throw OptionMessage.Argument($"Labels file ({{Labels}}) \"{labelsPath}\" does not exist.", "Labels");
        }
        return LoadFile(spec, labelsPath);
    }

    /// <summary>Generates the synthetic data named by <paramref name="spec"/>, with its ground truth (e.g. the mean vector m of two-cluster).</summary>
    /// <exception cref="ArgumentException">Not a synthetic spec, or a bad one.</exception>
    public static SyntheticData Generate(string spec)
    {
        var parsed = ParseSynthetic(spec.Trim(), out long seed)
            ?? throw new ArgumentException($"\"{spec}\" is not a synthetic data spec (two-cluster:, gaussian:, manifold:, points:, circle:).", nameof(spec));
        return parsed.Generate(seed);
    }

    /// <summary>
    /// Parses a synthetic spec into its parameter record and seed (validated), or returns null when the text does not
    /// start with a generator name. Does not generate anything.
    /// </summary>
    /// <exception cref="ArgumentException">A generator name with bad parameters.</exception>
    public static SyntheticSpec? ParseSynthetic(string spec, out long seed)
    {
        seed = 0;
        int colon = spec.IndexOf(':');
        if (colon < 0) return null;
        string kind = spec[..colon].Trim().ToLowerInvariant();
        string body = spec[(colon + 1)..];
        try
        {
            SyntheticSpec? result;
            if (kind == "points")
                result = new PointsSpec(body.Split([',', ';']).Select(v => Number(v, "points")).ToArray());
            else
            {
                string[]? keys = kind switch
                {
                    "two-cluster" => ["d", "n", "mu", "sigma", "seed"],
                    "gaussian" => ["d", "n", "spectrum", "rotate", "seed"],
                    "manifold" => ["d", "n", "stds", "sphere", "rotate", "seed"],
                    "circle" => ["n", "r", "noise", "evenly", "seed"],
                    _ => null,
                };
                if (keys is null) return null;
                var kv = KeyValues(kind, body, keys);
                seed = kv.TryGetValue("seed", out var s) ? Long(s, "seed") : 0;
                result = kind switch
                {
                    "two-cluster" => new TwoClusterSpec(Int(Required(kv, kind, "d"), "d"), Int(Required(kv, kind, "n"), "n"),
                        Opt(kv, "mu", 1), Opt(kv, "sigma", 1)),
                    "gaussian" => Gaussian(kv, kind),
                    "manifold" => Manifold(kv, kind),
                    _ => new CircleSpec(Int(Required(kv, kind, "n"), "n"), Opt(kv, "r", 1), Opt(kv, "noise", 0), Bool(kv, "evenly")),
                };
            }
            result.Validate();
            return result;
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
            throw new ArgumentException($"Data spec \"{spec}\": {message}", e);
        }
    }

    /// <summary>
    /// Parses a LIST of d values: items separated by ';', each V, KxV (K copies) or restV (fills the remaining
    /// directions; last item only); or geometric:A:Q for A·Q^k, k = 0..d−1. The result has exactly d entries.
    /// </summary>
    /// <exception cref="ArgumentException">Unparsable item or a total length other than d.</exception>
    public static double[] ParseList(string text, int d, string key = "list")
    {
        if (d < 1) throw new ArgumentException($"d = {d} is out of range (d ≥ 1).");
        text = text.Trim();
        if (text.StartsWith("geometric:", StringComparison.OrdinalIgnoreCase))
        {
            string[] p = text.Split(':');
            if (p.Length != 3) throw new ArgumentException($"{key}={text}: write geometric:A:Q (λ_k = A·Q^k).");
            double a = Number(p[1], key), q = Number(p[2], key);
            return Enumerable.Range(0, d).Select(k => a * Math.Pow(q, k)).ToArray();
        }
        var values = new List<double>();
        string[] items = text.Split(';', StringSplitOptions.TrimEntries);
        for (int i = 0; i < items.Length; i++)
        {
            string item = items[i];
            if (item.StartsWith("rest", StringComparison.OrdinalIgnoreCase))
            {
                if (i != items.Length - 1) throw new ArgumentException($"{key}: 'rest' must be the last item.");
                if (values.Count > d) break;
                values.AddRange(Enumerable.Repeat(Number(item[4..], key), d - values.Count));
                continue;
            }
            int x = item.IndexOf('x');
            if (x > 0)
            {
                int count = Int(item[..x], key);
                if (count < 0) throw new ArgumentException($"{key}: negative count in \"{item}\".");
                values.AddRange(Enumerable.Repeat(Number(item[(x + 1)..], key), count));
            }
            else values.Add(Number(item, key));
        }
        if (values.Count != d)
            throw new ArgumentException($"{key}={text} gives {values.Count} values but d = {d} (use KxV for repeats or restV to fill; items are separated by ';').");
        return [.. values];
    }

    /// <summary>Formats values as a LIST (runs of equal values written KxV), the inverse of <see cref="ParseList"/>.</summary>
    public static string FormatList(IReadOnlyList<double> values)
    {
        var items = new List<string>();
        for (int i = 0; i < values.Count;)
        {
            int j = i;
            while (j < values.Count && values[j].Equals(values[i])) j++;
            string v = values[i].ToString("R", CultureInfo.InvariantCulture);
            items.Add(j - i == 1 ? v : $"{j - i}x{v}");
            i = j;
        }
        return string.Join(";", items);
    }

    /// <summary>Reads labels from an IDX label file, a .npy vector or a one-column CSV (detected by content).</summary>
    public static int[] ReadLabels(string path)
    {
        byte[] head = DataFile.Head(path, 6);
        if (head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 8) return IdxReader.ReadLabels(path);
        if (head.Length >= 6 && head[0] == 0x93 && head[1] == (byte)'N') return Npy.ToLabels(Npy.Read(path), path);
        var column = Csv.ReadDataset(path);
        if (column.Dimension != 1) throw new DataFormatException(path, $"a CSV labels file needs one column, found {column.Dimension}.");
        return Npy.ToLabels(new NpyArray(column.ToArray(), [column.Count]), path);
    }

    private static BuiltinSplit? ParseBuiltin(string spec) => spec.ToLowerInvariant() switch
    {
        "builtin" or "builtin:train" => BuiltinSplit.Train,
        "builtin:test" => BuiltinSplit.Test,
        _ => null,
    };

    private static Dataset LoadFile(string spec, string? labelsPath)
    {
        string path = spec;
        string? labelColumn = null;
        int hash = spec.LastIndexOf("#label=", StringComparison.Ordinal);
        if (hash > 0 && !File.Exists(spec)) (path, labelColumn) = (spec[..hash], spec[(hash + 7)..]);
        if (!File.Exists(path))
            throw new ArgumentException($"Data \"{spec}\" is neither an existing file nor a known source (builtin, two-cluster:, gaussian:, manifold:, points:, circle:).");
        string ext = Path.GetExtension(path).ToLowerInvariant();
        byte[] head = DataFile.Head(path, 6);
        bool npy = head.Length >= 6 && head[0] == 0x93 && head[1..6].SequenceEqual("NUMPY"u8.ToArray());
        bool zip = head.Length >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K';
        bool idx = head.Length >= 4 && head[0] == 0 && head[1] == 0 && head[2] == 8;
        if (labelColumn is not null && ext != ".csv") throw new ArgumentException($"#label= applies to CSV files only (\"{spec}\").");
        if (ext == ".csv")
        {
            var csv = Csv.ReadDataset(path, labelColumn);
            return labelsPath is null ? csv : AttachLabels(csv, labelsPath);
        }
        if (ext is ".npy" or ".npz" || npy || zip)
        {
            var array = ext == ".npy" || npy ? Npy.ReadDataset(path) : Npz.ReadDataset(path);
            return labelsPath is null ? array : AttachLabels(array, labelsPath);
        }
        if (idx)
        {
            var images = IdxReader.ReadImages(path);
            int[]? labels = labelsPath is null ? null : ReadLabels(labelsPath);
            return IdxReader.ToDataset(images, labels, path, labelsPath, Path.GetFileName(path));
        }
        throw new DataFormatException(path, "unrecognised format: not IDX (plain or gzip), .npy, .npz, or a file named .csv.", 0);
    }

    private static Dataset AttachLabels(Dataset data, string labelsPath)
    {
        var labels = ReadLabels(labelsPath);
        if (labels.Length != data.Count)
            throw new DataFormatException(labelsPath, $"holds {labels.Length} labels but the data ({data.Name}) hold {data.Count} items.");
        return data.WithLabels(labels);
    }

    private static GaussianSpec Gaussian(Dictionary<string, string> kv, string kind)
    {
        int d = Int(Required(kv, kind, "d"), "d");
        int n = Int(Required(kv, kind, "n"), "n");
        // Without spectrum=, isotropic unit variance (λ_k = 1), the default a user expects of "gaussian".
        string spectrum = kv.TryGetValue("spectrum", out var given) ? given : "rest1";
        return new GaussianSpec(d, n, ParseList(spectrum, d, "spectrum"), Bool(kv, "rotate"));
    }

    private static LinearManifoldSpec Manifold(Dictionary<string, string> kv, string kind)
    {
        int d = Int(Required(kv, kind, "d"), "d");
        int n = Int(Required(kv, kind, "n"), "n");
        const string standard = "2x1;5x0.3;rest0.01";
        if (!kv.TryGetValue("stds", out var stds))
            stds = d >= 7 ? standard : throw new ArgumentException($"manifold with d = {d} < 7 needs stds=… (the default {standard} needs d ≥ 7).");
        return new LinearManifoldSpec(d, n, ParseList(stds, d, "stds"), Bool(kv, "sphere"), Bool(kv, "rotate"));
    }

    private static Dictionary<string, string> KeyValues(string kind, string body, string[] allowed)
    {
        var kv = new Dictionary<string, string>();
        foreach (string part in body.Split(',', StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0)
                throw new ArgumentException($"\"{part}\" is not key=value (list values are separated by ';', e.g. spectrum=4;1;0.5).");
            string key = part[..eq].Trim().ToLowerInvariant();
            if (!allowed.Contains(key)) throw new ArgumentException($"unknown key '{key}' for {kind} (allowed: {string.Join(", ", allowed)}).");
            if (!kv.TryAdd(key, part[(eq + 1)..].Trim())) throw new ArgumentException($"key '{key}' given twice.");
        }
        return kv;
    }

    private static string Required(Dictionary<string, string> kv, string kind, string key) =>
        kv.TryGetValue(key, out var v) ? v : throw new ArgumentException($"{kind} needs {key}=… (missing).");

    private static double Opt(Dictionary<string, string> kv, string key, double fallback) =>
        kv.TryGetValue(key, out var v) ? Number(v, key) : fallback;

    private static bool Bool(Dictionary<string, string> kv, string key) =>
        kv.TryGetValue(key, out var v) && (v.ToLowerInvariant() switch
        {
            "true" or "1" or "yes" => true,
            "false" or "0" or "no" => false,
            _ => throw new ArgumentException($"{key}={v} is not true or false."),
        });

    private static double Number(string text, string key) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? (double.IsFinite(v) ? v : throw new ArgumentException($"{key}={text.Trim()} is not a finite number."))
            : throw new ArgumentException($"{key}={text.Trim()} is not a number.");

    private static int Int(string text, string key) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v
            : throw new ArgumentException($"{key}={text.Trim()} is not an integer.");

    private static long Long(string text, string key) =>
        long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v
            : throw new ArgumentException($"{key}={text.Trim()} is not an integer.");
}
