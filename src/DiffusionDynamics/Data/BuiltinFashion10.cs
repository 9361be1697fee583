using System.Reflection;

namespace DiffusionDynamics.Data;

/// <summary>
/// The built-in ten-class Fashion-MNIST subset <c>builtin:fashion10</c> (train) / <c>builtin:fashion10:test</c>, embedded as
/// gzipped IDX files beside the trouser/sneaker pair of <see cref="BuiltinData"/> and selected the same reproducible way:
/// train = the first <see cref="TrainPerClass"/> items of each class 0–9 of the Fashion-MNIST training set, test = the
/// first <see cref="TestPerClass"/> of each class of the test set, in file order; original labels 0–9, raw pixels 0..255,
/// item shape [1, 28, 28]. Meant for class posteriors along generation and class removal (docs/theory.md §7.3–7.9).
/// <see cref="Extract"/> regenerates the files from Debian's dataset-fashion-mnist.
/// </summary>
public static class BuiltinFashion10
{
    /// <summary>Name of the built-in ten-class data.</summary>
    public const string Name = "fashion-mnist:10";

    /// <summary>Data spec of the training split.</summary>
    public const string TrainSpec = "builtin:fashion10";

    /// <summary>Data spec of the test split.</summary>
    public const string TestSpec = "builtin:fashion10:test";

    /// <summary>All ten Fashion-MNIST classes: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.</summary>
    public static readonly IReadOnlyList<int> Classes = Enumerable.Range(0, 10).ToArray();

    /// <summary>The Fashion-MNIST class names, index = label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Items kept per class from the training set.</summary>
    public const int TrainPerClass = 500;

    /// <summary>Items kept per class from the test set.</summary>
    public const int TestPerClass = 100;

    /// <summary>Origin and licence.</summary>
    public const string Describe =
        "Built-in data \"" + Name + "\": Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research), MIT licence, from the Debian " +
        "package dataset-fashion-mnist. All ten classes: train = the first 500 of each class of the training set, test = the first 100 " +
        "of each class of the test set, in file order; 28×28 grey-scale, raw pixels 0..255, original labels 0–9.";

    /// <summary>The split named by a data spec (<see cref="TrainSpec"/>, <c>builtin:fashion10:train</c>, <see cref="TestSpec"/>; case-insensitive), or null.</summary>
    public static BuiltinSplit? ParseSpec(string spec) => spec.Trim().ToLowerInvariant() switch
    {
        "builtin:fashion10" or "builtin:fashion10:train" => BuiltinSplit.Train,
        "builtin:fashion10:test" => BuiltinSplit.Test,
        _ => null,
    };

    /// <summary>Loads a split: n = 5,000 (train) or 1,000 (test), one tenth of each label, item shape [1, 28, 28], raw pixels 0..255.</summary>
    public static Dataset Load(BuiltinSplit split = BuiltinSplit.Train)
    {
        var (images, labels) = FileNames(split);
        var assembly = typeof(BuiltinFashion10).Assembly;
        var imageData = IdxReader.ReadImages(Resource(assembly, images), "builtin:" + images);
        var labelData = IdxReader.ReadLabels(Resource(assembly, labels), "builtin:" + labels);
        return IdxReader.ToDataset(imageData, labelData, "builtin:" + images, "builtin:" + labels, Name);
    }

    /// <summary>File names (also resource names after "DiffusionDynamics.Data.Builtin.") of a split's images and labels.</summary>
    public static (string Images, string Labels) FileNames(BuiltinSplit split)
    {
        string s = split == BuiltinSplit.Train ? "train" : "test";
        return ($"fashion10-{s}-images-idx3-ubyte.gz", $"fashion10-{s}-labels-idx1-ubyte.gz");
    }

    /// <summary>
    /// Writes the built-in files into <paramref name="outDir"/> from the full Fashion-MNIST IDX files in <paramref name="sourceDir"/>
    /// ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]): the first <see cref="TrainPerClass"/> / <see cref="TestPerClass"/> items of
    /// every class, in file order. Re-runnable; regenerate the committed files with
    /// <c>BuiltinFashion10.Extract(BuiltinData.DebianDirectory, "src/DiffusionDynamics/Data/Builtin")</c>.
    /// </summary>
    public static void Extract(string sourceDir, string outDir)
    {
        Directory.CreateDirectory(outDir);
        foreach (var (split, prefix, perClass) in new[] { (BuiltinSplit.Train, "train", TrainPerClass), (BuiltinSplit.Test, "t10k", TestPerClass) })
        {
            var images = IdxReader.ReadImages(Source(sourceDir, $"{prefix}-images-idx3-ubyte"));
            var labels = IdxReader.ReadLabels(Source(sourceDir, $"{prefix}-labels-idx1-ubyte"));
            var taken = Classes.ToDictionary(c => c, _ => 0);
            var keep = new List<int>();
            for (int i = 0; i < labels.Length && keep.Count < perClass * Classes.Count; i++)
                if (taken.TryGetValue(labels[i], out int t) && t < perClass)
                {
                    taken[labels[i]] = t + 1;
                    keep.Add(i);
                }
            if (keep.Count < perClass * Classes.Count)
                throw new DataFormatException(sourceDir, $"the {prefix} set has fewer than {perClass} items of each class 0–9.");
            int size = images.Rows * images.Columns;
            var pixels = new byte[keep.Count * size];
            for (int i = 0; i < keep.Count; i++) images.Image(keep[i]).CopyTo(pixels.AsSpan(i * size, size));
            var (imageFile, labelFile) = FileNames(split);
            IdxWriter.WriteImages(Path.Combine(outDir, imageFile), new IdxImages(pixels, keep.Count, images.Rows, images.Columns), gzip: true);
            IdxWriter.WriteLabels(Path.Combine(outDir, labelFile), keep.Select(i => labels[i]).ToArray(), gzip: true);
        }
    }

    private static string Source(string dir, string stem)
    {
        string gz = Path.Combine(dir, stem + ".gz");
        return File.Exists(gz) ? gz : Path.Combine(dir, stem);
    }

    private static Stream Resource(Assembly assembly, string file) =>
        assembly.GetManifestResourceStream("DiffusionDynamics.Data.Builtin." + file)
        ?? throw new InvalidOperationException($"Embedded resource {file} is missing from {assembly.GetName().Name}; the build must embed Data/Builtin/*.gz.");
}
