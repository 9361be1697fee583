using System.Reflection;

namespace DiffusionDynamics.Data;

/// <summary>Which part of the built-in data: the training or the test split.</summary>
public enum BuiltinSplit
{
    /// <summary>2,000 trousers + 2,000 sneakers from the Fashion-MNIST training set.</summary>
    Train,
    /// <summary>500 trousers + 500 sneakers from the Fashion-MNIST test set.</summary>
    Test,
}

/// <summary>
/// The built-in real data: Fashion-MNIST classes 1 (Trouser) and 7 (Sneaker), embedded in the library as gzipped
/// IDX files. Train: the first 2,000 items of each class of the training set, test: the first 500 of each class
/// of the test set, in file order, original labels 1 and 7, raw pixels 0..255 (item shape [1, 28, 28]).
/// <see cref="Extract"/> regenerates the files from the Debian package dataset-fashion-mnist.
/// </summary>
public static class BuiltinData
{
    /// <summary>Name of every built-in dataset.</summary>
    public const string Name = "fashion-mnist:trouser,sneaker";

    /// <summary>The Fashion-MNIST classes kept: 1 = Trouser, 7 = Sneaker.</summary>
    public static readonly IReadOnlyList<int> Classes = [1, 7];

    /// <summary>Items kept per class from the training set.</summary>
    public const int TrainPerClass = 2000;

    /// <summary>Items kept per class from the test set.</summary>
    public const int TestPerClass = 500;

    /// <summary>Where Debian's dataset-fashion-mnist installs the full data.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Origin and licence of the built-in data.</summary>
    public const string Describe =
        "Built-in data \"" + Name + "\": Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, Zalando Research, " +
        "https://github.com/zalandoresearch/fashion-mnist), MIT licence, taken from the Debian package " +
        "dataset-fashion-mnist. Classes 1 (Trouser) and 7 (Sneaker): train = the first 2,000 of each class of the " +
        "training set, test = the first 500 of each class of the test set, in file order; 28×28 grey-scale, raw pixel " +
        "values 0..255, original labels 1 and 7.";

    /// <summary>Loads a split: n = 4,000 (train) or 1,000 (test), half of each label, item shape [1, 28, 28], raw pixels 0..255.</summary>
    public static Dataset Load(BuiltinSplit split = BuiltinSplit.Train)
    {
        var (images, labels) = FileNames(split);
        var assembly = typeof(BuiltinData).Assembly;
        var imageData = IdxReader.ReadImages(Resource(assembly, images), "builtin:" + images);
        var labelData = IdxReader.ReadLabels(Resource(assembly, labels), "builtin:" + labels);
        return IdxReader.ToDataset(imageData, labelData, "builtin:" + images, "builtin:" + labels, Name);
    }

    /// <summary>File names (also the resource names after "DiffusionDynamics.Data.Builtin.") of a split's images and labels.</summary>
    public static (string Images, string Labels) FileNames(BuiltinSplit split)
    {
        string s = split == BuiltinSplit.Train ? "train" : "test";
        return ($"fashion-trouser-sneaker-{s}-images-idx3-ubyte.gz", $"fashion-trouser-sneaker-{s}-labels-idx1-ubyte.gz");
    }

    /// <summary>
    /// Writes the built-in files into <paramref name="outDir"/> from the full Fashion-MNIST IDX files in
    /// <paramref name="sourceDir"/> ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]): the first
    /// <see cref="TrainPerClass"/> / <see cref="TestPerClass"/> items of classes 1 and 7, in file order.
    /// Re-runnable; regenerate the committed files with
    /// <c>BuiltinData.Extract(BuiltinData.DebianDirectory, "src/DiffusionDynamics/Data/Builtin")</c>.
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
                throw new DataFormatException(sourceDir, $"the {prefix} set has fewer than {perClass} items of each class {string.Join(", ", Classes)}.");
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
