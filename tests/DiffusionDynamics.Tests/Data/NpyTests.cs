using System.IO.Compression;
using System.Text;
using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class NpyTests
{
    /// <summary>A .npy file as NumPy writes it: magic, version, header length, header padded with spaces and '\n' to 64 bytes, data.</summary>
    private static byte[] NpyBytes(string dict, byte[] data, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        var head = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        head.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        head.AddRange((major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header));
        head.AddRange(data);
        return [.. head];
    }

    private static NpyArray Parse(byte[] bytes) => Npy.Read(new MemoryStream(bytes), "test.npy");

    [Fact]
    public void Npy_Write_MatchesNumPyByteLayout()
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("a.npy"), new long[] { 0, 1, 2 }, [3]);
        byte[] expected = NpyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", [.. BitConverter.GetBytes(0L), .. BitConverter.GetBytes(1L), .. BitConverter.GetBytes(2L)]);
        Assert.Equal(expected, File.ReadAllBytes(dir.File("a.npy")));
        Assert.Equal(128 + 24, expected.Length); // 128-byte header, as NumPy pads it
    }

    [Fact]
    public void Npy_RoundTrip_PreservesFloat32Values()
    {
        using var dir = new TempDirectory();
        float[] data = [1.5f, -0f, float.Epsilon, 3.4e38f, 1 / 3f, -7];
        Npy.Write(dir.File("f.npy"), data, [2, 3]);
        var back = Npy.Read(dir.File("f.npy"));
        Assert.Equal(NpyDType.Float32, back.DType);
        Assert.Equal([2, 3], back.Shape);
        Assert.Equal(data, (float[])back.Data);
    }

    [Fact]
    public void Npy_RoundTrip_PreservesFloat64Values()
    {
        using var dir = new TempDirectory();
        double[] data = [Math.PI, -1e-300, double.MaxValue, 0.1];
        Npy.Write(dir.File("d.npy"), data, [4]);
        var back = Npy.Read(dir.File("d.npy"));
        Assert.Equal(NpyDType.Float64, back.DType);
        Assert.Equal(data, (double[])back.Data);
    }

    [Fact]
    public void Npy_RoundTrip_PreservesIntegerTypes()
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("u.npy"), new byte[] { 0, 128, 255, 1 }, [2, 2]);
        Npy.Write(dir.File("i.npy"), new[] { int.MinValue, -1, int.MaxValue }, [3, 1]);
        Npy.Write(dir.File("l.npy"), new[] { long.MinValue, 42L }, [1, 2, 1]);
        Assert.Equal(new byte[] { 0, 128, 255, 1 }, (byte[])Npy.Read(dir.File("u.npy")).Data);
        Assert.Equal(new[] { int.MinValue, -1, int.MaxValue }, (int[])Npy.Read(dir.File("i.npy")).Data);
        var l = Npy.Read(dir.File("l.npy"));
        Assert.Equal(NpyDType.Int64, l.DType);
        Assert.Equal([1, 2, 1], l.Shape);
        Assert.Equal(new[] { long.MinValue, 42L }, (long[])l.Data);
    }

    [Fact]
    public void Npy_Scalar_HasEmptyShapeAndOneElement()
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("s.npy"), new[] { 2.5 }, []);
        var s = Npy.Read(dir.File("s.npy"));
        Assert.Empty(s.Shape);
        Assert.Equal(2.5, s[0]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Npy_ReadsFormatVersions2And3(int major)
    {
        var a = Parse(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", [.. BitConverter.GetBytes(1f), .. BitConverter.GetBytes(2f)], major));
        Assert.Equal([1f, 2f], (float[])a.Data);
    }

    [Fact]
    public void Npy_ReadsDoubleQuotesAndNoTrailingComma()
    {
        var a = Parse(NpyBytes("{\"shape\": (1, 1), \"descr\": \"|u1\", \"fortran_order\": False}", [9]));
        Assert.Equal(NpyDType.UInt8, a.DType);
        Assert.Equal([1, 1], a.Shape);
    }

    [Fact]
    public void Npy_HugeHeader_IsWrittenAsVersion2()
    {
        using var dir = new TempDirectory();
        var shape = Enumerable.Repeat(1, 30000).ToArray();
        Npy.Write(dir.File("v2.npy"), new[] { 1.0 }, shape);
        Assert.Equal(2, File.ReadAllBytes(dir.File("v2.npy"))[6]);
        Assert.Equal(30000, Npy.Read(dir.File("v2.npy")).Rank);
    }

    [Fact]
    public void Npy_FortranOrder_ThrowsClearError()
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(NpyBytes("{'descr': '<f8', 'fortran_order': True, 'shape': (1,), }", new byte[8])));
        Assert.Contains("Fortran", e.Message);
        Assert.Contains("test.npy", e.Message);
    }

    [Fact]
    public void Npy_BigEndian_ThrowsClearError()
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(NpyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", new byte[4])));
        Assert.Contains("big-endian", e.Message);
    }

    [Theory]
    [InlineData("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", "not supported")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", "structured")]
    [InlineData("{'descr': '<f4', 'shape': (1,), }", "lacks the key 'fortran_order'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1, }", "unexpected key 'extra'")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': [1], }", "'shape' must be a tuple")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", "extent 0")]
    [InlineData("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", "True or False")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1,", "cannot parse")]
    public void Npy_InvalidHeader_ThrowsNamingTheProblem(string dict, string fragment)
    {
        var e = Assert.Throws<DataFormatException>(() => Parse(NpyBytes(dict, new byte[4])));
        Assert.Contains(fragment, e.Message);
        Assert.Equal(10, e.Offset);
    }

    [Fact]
    public void Npy_TruncatedData_ThrowsWithOffset()
    {
        var bytes = NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", new byte[30]);
        var e = Assert.Throws<DataFormatException>(() => Parse(bytes));
        Assert.Contains("truncated data", e.Message);
        Assert.Contains("32 bytes", e.Message);
        Assert.Equal(bytes.Length, e.Offset);
    }

    [Fact]
    public void Npy_WrongMagicOrEmpty_Throws()
    {
        Assert.Contains("not a .npy", Assert.Throws<DataFormatException>(() => Parse("PK\x03\x04 not numpy"u8.ToArray())).Message);
        Assert.Contains("empty", Assert.Throws<DataFormatException>(() => Parse([])).Message);
    }

    [Fact]
    public void Npy_TrailingBytesInFile_Throws()
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("t.npy"), new[] { 1 }, [1]);
        File.AppendAllText(dir.File("t.npy"), "!");
        Assert.Contains("trailing", Assert.Throws<DataFormatException>(() => Npy.Read(dir.File("t.npy"))).Message);
    }

    [Fact]
    public void Npy_StreamOfConsecutiveArrays_ReadsInTurn()
    {
        var stream = new MemoryStream();
        Npy.Write(stream, new NpyArray(new[] { 1, 2 }, [2]));
        Npy.Write(stream, new NpyArray(new[] { 3.0 }, [1]));
        stream.Position = 0;
        Assert.Equal([1, 2], (int[])Npy.Read(stream).Data);
        Assert.Equal([3.0], (double[])Npy.Read(stream).Data);
    }

    [Fact]
    public void NpyArray_ShapeMismatch_Throws() =>
        Assert.Throws<ArgumentException>(() => new NpyArray(new float[5], [2, 3]));

    [Theory]
    [InlineData(new[] { 6 }, new[] { 1 })]
    [InlineData(new[] { 3, 2 }, new[] { 2 })]
    [InlineData(new[] { 1, 2, 3 }, new[] { 1, 2, 3 })]
    [InlineData(new[] { 1, 3, 1, 2 }, new[] { 3, 1, 2 })]
    public void Npy_ReadDataset_MapsRankToItemShape(int[] shape, int[] itemShape)
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("x.npy"), new float[] { 1, 2, 3, 4, 5, 6 }, shape);
        var data = Npy.ReadDataset(dir.File("x.npy"));
        Assert.Equal(shape[0], data.Count);
        Assert.Equal(itemShape, data.ItemShape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], data.ToArray());
    }

    [Fact]
    public void Npy_DatasetRoundTrip_PreservesValuesLabelsAndShape()
    {
        using var dir = new TempDirectory();
        var data = new Dataset([1, 2, 3, 4, 5, 6, 7, 8], 2, 4, [3, 5], [1, 2, 2]);
        Npy.WriteDataset(data, dir.File("x.npy"), dir.File("y.npy"));
        var back = Npy.ReadDataset(dir.File("x.npy"), dir.File("y.npy"));
        Assert.Equal(data.ToArray(), back.ToArray());
        Assert.Equal([3, 5], back.Labels!);
        Assert.Equal([1, 2, 2], back.ItemShape);
    }

    [Fact]
    public void Npy_ReadDataset_RejectsNaNNoItemsAndLabelMismatch()
    {
        using var dir = new TempDirectory();
        Npy.Write(dir.File("nan.npy"), new[] { 1.0, double.NaN }, [2, 1]);
        Assert.Contains("item 1", Assert.Throws<DataFormatException>(() => Npy.ReadDataset(dir.File("nan.npy"))).Message);
        Npy.Write(dir.File("empty.npy"), Array.Empty<float>(), [0, 3]);
        Assert.Contains("n = 0", Assert.Throws<DataFormatException>(() => Npy.ReadDataset(dir.File("empty.npy"))).Message);
        Npy.Write(dir.File("x.npy"), new float[4], [2, 2]);
        Npy.Write(dir.File("y.npy"), new[] { 1, 2, 3 }, [3]);
        var e = Assert.Throws<DataFormatException>(() => Npy.ReadDataset(dir.File("x.npy"), dir.File("y.npy")));
        Assert.Contains("3 labels", e.Message);
        Assert.Contains("x.npy", e.Message);
        Npy.Write(dir.File("yf.npy"), new[] { 1.5, 2 }, [2]);
        Assert.Contains("not an integer", Assert.Throws<DataFormatException>(() => Npy.ReadDataset(dir.File("x.npy"), dir.File("yf.npy"))).Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Npz_RoundTrip_PreservesArraysInOrder(bool compress)
    {
        using var dir = new TempDirectory();
        var arrays = new Dictionary<string, NpyArray>
        {
            ["b"] = new(new double[] { 1, 2 }, [2]),
            ["a"] = new(new byte[] { 3, 4, 5, 6 }, [2, 2]),
        };
        Npz.Write(dir.File("z.npz"), arrays, compress);
        var back = Npz.Read(dir.File("z.npz"));
        Assert.Equal(["b", "a"], back.Keys);
        Assert.Equal([1.0, 2], (double[])back["b"].Data);
        Assert.Equal(new byte[] { 3, 4, 5, 6 }, (byte[])back["a"].Data);
    }

    [Fact]
    public void Npz_ReadDataset_PicksDataAndLabelKeys()
    {
        using var dir = new TempDirectory();
        Npz.Write(dir.File("z.npz"), new Dictionary<string, NpyArray>
        {
            ["meta"] = new(new[] { 1.0 }, [1]),
            ["images"] = new(new float[8], [2, 2, 2]),
            ["labels"] = new(new long[] { 7, 1 }, [2]),
        });
        var data = Npz.ReadDataset(dir.File("z.npz"));
        Assert.Equal([1, 2, 2], data.ItemShape);
        Assert.Equal([7, 1], data.Labels!);

        Npz.Write(dir.File("w.npz"), new Dictionary<string, NpyArray> { ["v"] = new(new float[1], [1]), ["m"] = new(new float[6], [3, 2]) }, compress: false);
        Assert.Equal(3, Npz.ReadDataset(dir.File("w.npz")).Count);
    }

    [Fact]
    public void Npz_NotAZipOrBadEntry_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.npz"), "not a zip");
        Assert.Throws<DataFormatException>(() => Npz.Read(dir.File("bad.npz")));
        using (var zip = ZipFile.Open(dir.File("t.npz"), ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("x.npy").Open();
            s.Write(NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[3]));
        }
        var e = Assert.Throws<DataFormatException>(() => Npz.Read(dir.File("t.npz")));
        Assert.Contains("t.npz:x.npy", e.Message);
        Assert.Contains("truncated", e.Message);
    }
}
