using DiffusionDynamics.Data;

namespace DiffusionDynamics.Tests.Data;

public class CsvTests
{
    [Fact]
    public void Csv_RoundTrip_PreservesFloat32ValuesAndLabels()
    {
        using var dir = new TempDirectory();
        var data = new Dataset([1 / 3f, -2.5e-7f, 3.4e38f, 0, float.Epsilon, -1], 3, 2, [0, 7, -2]);
        Csv.Write(dir.File("d.csv"), data);
        var back = Csv.ReadDataset(dir.File("d.csv"), "label");
        Assert.Equal(data.ToArray(), back.ToArray());
        Assert.Equal([0, 7, -2], back.Labels!);
        Assert.Equal([2], back.ItemShape);
    }

    [Fact]
    public void Csv_WriteTable_RoundTripsDoublesExactly()
    {
        using var dir = new TempDirectory();
        double[][] rows = [[Math.PI, 1e-300], [0.1, -double.Epsilon]];
        Csv.WriteTable(dir.File("t.csv"), ["a", "b"], rows);
        var lines = File.ReadAllLines(dir.File("t.csv"));
        Assert.Equal("a,b", lines[0]);
        for (int i = 0; i < rows.Length; i++)
            Assert.Equal(rows[i], lines[i + 1].Split(',').Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Csv_HeaderlessFile_IsAllData()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("h.csv"), "1,2,3\n4,5,6\n\n");
        var data = Csv.ReadDataset(dir.File("h.csv"));
        Assert.Equal((2, 3), (data.Count, data.Dimension));
        Assert.Null(data.Labels);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void Csv_LabelColumnByIndex(string column)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("l.csv"), "5, 1.5, 2\r\n6, 3, 4\r\n");
        var data = Csv.ReadDataset(dir.File("l.csv"), column);
        Assert.Equal([5, 6], data.Labels!);
        Assert.Equal([1.5f, 2, 3, 4], data.ToArray());
        Assert.Equal([5, 6], Csv.ReadDataset(dir.File("l.csv"), 0).Labels!);
    }

    [Fact]
    public void Csv_BadCell_NamesFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.csv"), "x,y\n1,2\n3,abc\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadDataset(dir.File("bad.csv")));
        Assert.Contains("bad.csv", e.Message);
        Assert.Contains("line 3, column 2", e.Message);
        Assert.Contains("abc", e.Message);
    }

    [Theory]
    [InlineData("1,NaN\n", "line 1, column 2")]
    [InlineData("x,y\n1,2\n1,Infinity\n", "line 3, column 2")]
    [InlineData("1,1e39\n", "float32")]
    [InlineData("1,2\n3\n", "line 2 has 1 cells")]
    [InlineData("1,a\n", "line 1, column 2")]
    [InlineData("x,y\n", "n = 0")]
    [InlineData("\n \n", "empty")]
    [InlineData("", "empty")]
    public void Csv_InvalidContent_ThrowsClearError(string content, string fragment)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.csv"), content);
        Assert.Contains(fragment, Assert.Throws<DataFormatException>(() => Csv.ReadDataset(dir.File("c.csv"))).Message);
    }

    [Fact]
    public void Csv_BadLabels_ThrowClearErrors()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.csv"), "x,label\n1,2.5\n");
        Assert.Contains("line 2, column 2: label", Assert.Throws<DataFormatException>(() => Csv.ReadDataset(dir.File("c.csv"), "label")).Message);
        Assert.Contains("no column named \"y\"", Assert.Throws<DataFormatException>(() => Csv.ReadDataset(dir.File("c.csv"), "y")).Message);
        Assert.Contains("out of range", Assert.Throws<DataFormatException>(() => Csv.ReadDataset(dir.File("c.csv"), 5)).Message);
    }

    [Fact]
    public void Csv_WriteTable_RejectsRaggedRowsAndCommaNames()
    {
        using var dir = new TempDirectory();
        Assert.Throws<ArgumentException>(() => Csv.WriteTable(dir.File("a.csv"), ["a", "b"], [[1.0]]));
        Assert.Throws<ArgumentException>(() => Csv.WriteTable(dir.File("b.csv"), ["a,b"], [[1.0]]));
    }
}
