using System.Buffers.Binary;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class IdxTests
{
    private static IdxImages Images(int n, int rows, int cols) =>
        new(Enumerable.Range(0, n * rows * cols).Select(i => (byte)(i * 7 % 256)).ToArray(), n, rows, cols);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_RoundTrip_PreservesImagesAndLabels(bool gzip)
    {
        using var dir = new TempDirectory();
        var images = Images(5, 3, 4);
        int[] labels = [0, 255, 7, 1, 9];
        IdxWriter.WriteImages(dir.File("i"), images, gzip);
        IdxWriter.WriteLabels(dir.File("l"), labels, gzip);

        var back = IdxReader.ReadImages(dir.File("i"));
        Assert.Equal((5, 3, 4), (back.Count, back.Rows, back.Columns));
        Assert.Equal(images.Pixels, back.Pixels);
        Assert.Equal(labels, IdxReader.ReadLabels(dir.File("l")));
        Assert.Equal(gzip, File.ReadAllBytes(dir.File("i"))[0] == 0x1f);
    }

    [Fact]
    public void Idx_ReadDataset_GivesRawPixelsWithImageItemShape()
    {
        using var dir = new TempDirectory();
        var images = Images(2, 2, 3);
        IdxWriter.WriteImages(dir.File("i.gz"), images, gzip: true);
        IdxWriter.WriteLabels(dir.File("l"), [4, 2]);
        var data = IdxReader.ReadDataset(dir.File("i.gz"), dir.File("l"));
        Assert.Equal([1, 2, 3], data.ItemShape);
        Assert.Equal(images.Pixels.Select(b => (float)b), data.ToArray());
        Assert.Equal([4, 2], data.Labels!);

        IdxWriter.WriteDataset(data, dir.File("i2"), dir.File("l2"));
        Assert.Equal(images.Pixels, IdxReader.ReadImages(dir.File("i2")).Pixels);
        Assert.Equal([4, 2], IdxReader.ReadLabels(dir.File("l2")));
    }

    [Fact]
    public void Idx_GzipIsDetectedByMagicNotExtension()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteImages(dir.File("plain-name.idx"), Images(1, 2, 2), gzip: true);
        Assert.Equal(1, IdxReader.ReadImages(dir.File("plain-name.idx")).Count);
    }

    [Fact]
    public void Idx_WrongMagic_NamesFileAndMagic()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteLabels(dir.File("labels"), [1, 2]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir.File("labels")));
        Assert.Contains("labels", e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Equal(0, e.Offset);
    }

    [Fact]
    public void Idx_TruncatedFile_Throws()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteImages(dir.File("i"), Images(3, 4, 4));
        var bytes = File.ReadAllBytes(dir.File("i"));
        File.WriteAllBytes(dir.File("i"), bytes[..^5]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir.File("i")));
        Assert.Contains("truncated", e.Message);
        Assert.Equal(bytes.Length - 5, e.Offset);
    }

    [Fact]
    public void Idx_TruncatedHeader_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("i"), [0, 0, 8, 3, 0, 0]);
        Assert.Contains("truncated header", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir.File("i"))).Message);
    }

    [Fact]
    public void Idx_TrailingGarbage_Throws()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteLabels(dir.File("l"), [1, 2, 3]);
        File.AppendAllText(dir.File("l"), "xyz");
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(dir.File("l")));
        Assert.Contains("3 trailing bytes", e.Message);
        Assert.Equal(11, e.Offset);
    }

    [Fact]
    public void Idx_EmptyFile_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("e"), []);
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir.File("e"))).Message);
    }

    [Fact]
    public void Idx_CorruptGzip_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("g"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0xff]);
        Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(dir.File("g")));
    }

    [Fact]
    public void Idx_ZeroImages_ReadDatasetThrows()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteImages(dir.File("i"), new IdxImages([], 0, 28, 28));
        Assert.Equal(0, IdxReader.ReadImages(dir.File("i")).Count);
        Assert.Contains("n = 0", Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(dir.File("i"))).Message);
    }

    [Fact]
    public void Idx_LabelCountMismatch_NamesBothFiles()
    {
        using var dir = new TempDirectory();
        IdxWriter.WriteImages(dir.File("imgs"), Images(3, 2, 2));
        IdxWriter.WriteLabels(dir.File("labs"), [1, 2]);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadDataset(dir.File("imgs"), dir.File("labs")));
        Assert.Contains("imgs", e.Message);
        Assert.Contains("labs", e.Message);
        Assert.Contains("2 labels", e.Message);
        Assert.Contains("3 images", e.Message);
    }

    [Fact]
    public void Idx_WriteLabels_RejectsValuesOutsideByteRange() =>
        Assert.Throws<ArgumentException>(() => IdxWriter.WriteLabels(Path.GetTempFileName(), [256]));

    [Fact]
    public void Idx_UnsupportedElementType_IsNamed()
    {
        using var dir = new TempDirectory();
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000D03);
        File.WriteAllBytes(dir.File("f"), bytes);
        Assert.Contains("element type 0x0D", Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(dir.File("f"))).Message);
    }

    [Fact]
    public void Idx_DebianFashionMnist_ReadsFullTrainAndTestSets()
    {
        string dir = BuiltinData.DebianDirectory;
        var train = IdxReader.ReadDataset(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        Assert.Equal(60000, train.Count);
        Assert.Equal([1, 28, 28], train.ItemShape);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.CountOf(c)));
        var test = IdxReader.ReadLabels(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        Assert.Equal(10000, test.Length);
        Assert.Equal(255, System.Numerics.Tensors.TensorPrimitives.Max(train.Values));
    }
}
