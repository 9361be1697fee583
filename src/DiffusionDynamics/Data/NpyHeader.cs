using System.Globalization;

namespace DiffusionDynamics.Data;

/// <summary>
/// The header dictionary of a .npy file, e.g. <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>:
/// parsed from the Python-literal text (strings, True/False, integers, tuples, lists) and validated to
/// exactly the keys descr, fortran_order, shape.
/// </summary>
internal sealed record NpyHeader(NpyDType DType, int[] Shape)
{
    /// <summary>Parses and validates the header text; <paramref name="offset"/> is its byte offset, for errors.</summary>
    public static NpyHeader Parse(string text, string name, long offset)
    {
        var parser = new Parser(text, name, offset);
        if (parser.Value() is not Dictionary<string, object> dict)
            throw new DataFormatException(name, $"the .npy header is not a dictionary: \"{text.Trim()}\".", offset);
        parser.End();
        foreach (string key in dict.Keys)
            if (key is not ("descr" or "fortran_order" or "shape"))
                throw new DataFormatException(name, $"unexpected key '{key}' in the .npy header (allowed: descr, fortran_order, shape).", offset);
        object descr = Require(dict, "descr", name, offset);
        object fortran = Require(dict, "fortran_order", name, offset);
        object shape = Require(dict, "shape", name, offset);
        if (fortran is not bool isFortran)
            throw new DataFormatException(name, $"'fortran_order' must be True or False, found {fortran}.", offset);
        if (isFortran)
            throw new DataFormatException(name, "the array is stored in Fortran (column-major) order; only C order is supported — save np.ascontiguousarray(a) instead.", offset);
        if (shape is not List<object> { } extents || !parser.IsTuple(extents))
            throw new DataFormatException(name, $"'shape' must be a tuple of integers, found {Show(shape)}.", offset);
        var dims = new int[extents.Count];
        for (int k = 0; k < dims.Length; k++)
        {
            if (extents[k] is not long e || e < 0 || e > Array.MaxLength)
                throw new DataFormatException(name, $"'shape' extent {k} is {Show(extents[k])}; need an integer in 0..{Array.MaxLength}.", offset);
            dims[k] = (int)e;
        }
        return new NpyHeader(ParseDescr(descr, name, offset), dims);
    }

    /// <summary>The header text for an array: the dictionary with a trailing comma and space, as NumPy writes it.</summary>
    public static string Format(NpyDType dtype, int[] shape)
    {
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        return $"{{'descr': '{NpyArray.Descr(dtype)}', 'fortran_order': False, 'shape': ({dims}), }}";
    }

    private static NpyDType ParseDescr(object descr, string name, long offset)
    {
        if (descr is not string s)
            throw new DataFormatException(name, $"structured dtype {Show(descr)} is not supported; need one of <f4, <f8, |u1, <i4, <i8.", offset);
        char order = s.Length == 3 ? s[0] : '?';
        string kind = s.Length == 3 ? s[1..] : s;
        if (order == '>' && kind != "u1")
            throw new DataFormatException(name, $"dtype '{s}' is big-endian; only little-endian data is supported — save a.astype('<{kind}') instead.", offset);
        if (order is not ('<' or '|' or '>') && s.Length == 3)
            throw new DataFormatException(name, $"dtype '{s}' has byte order '{order}'; expected '<' (little-endian) or '|'.", offset);
        return kind switch
        {
            "f4" => NpyDType.Float32,
            "f8" => NpyDType.Float64,
            "u1" => NpyDType.UInt8,
            "i4" => NpyDType.Int32,
            "i8" => NpyDType.Int64,
            _ => throw new DataFormatException(name, $"dtype '{s}' is not supported; need one of <f4, <f8, |u1, <i4, <i8.", offset),
        };
    }

    private static object Require(Dictionary<string, object> dict, string key, string name, long offset) =>
        dict.TryGetValue(key, out var v) ? v : throw new DataFormatException(name, $"the .npy header lacks the key '{key}'.", offset);

    private static string Show(object o) => o switch
    {
        string s => $"'{s}'",
        List<object> l => $"({string.Join(", ", l.Select(Show))})",
        _ => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "None",
    };

    /// <summary>Recursive-descent parser of the Python literal subset used in .npy headers.</summary>
    private sealed class Parser(string text, string name, long offset)
    {
        private int pos;
        private readonly HashSet<List<object>> tuples = new(ReferenceEqualityComparer.Instance);

        public bool IsTuple(List<object> list) => tuples.Contains(list);

        public void End()
        {
            SkipSpace();
            if (pos != text.Length) Fail($"unexpected text after the dictionary: \"{text[pos..].Trim()}\"");
        }

        public object Value()
        {
            SkipSpace();
            if (pos >= text.Length) Fail("the header ends early");
            char c = text[pos];
            if (c == '{') return Dict();
            if (c is '(' or '[') return Sequence(c == '(' ? ')' : ']');
            if (c is '\'' or '"') return Str();
            if (char.IsDigit(c) || c == '-') return Integer();
            if (Match("True")) return true;
            if (Match("False")) return false;
            if (Match("None")) return "None";
            Fail($"unexpected character '{c}' at header position {pos}");
            return null!;
        }

        private Dictionary<string, object> Dict()
        {
            pos++;
            var dict = new Dictionary<string, object>();
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { pos++; return dict; }
                if (Value() is not string key) { Fail("dictionary keys must be strings"); return dict; }
                Expect(':');
                if (!dict.TryAdd(key, Value())) Fail($"key '{key}' appears twice");
                SkipSpace();
                if (Peek() == ',') pos++;
                else if (Peek() != '}') Fail($"expected ',' or '}}' at header position {pos}");
            }
        }

        private List<object> Sequence(char close)
        {
            pos++;
            var list = new List<object>();
            if (close == ')') tuples.Add(list);
            while (true)
            {
                SkipSpace();
                if (Peek() == close) { pos++; return list; }
                list.Add(Value());
                SkipSpace();
                if (Peek() == ',') pos++;
                else if (Peek() != close) Fail($"expected ',' or '{close}' at header position {pos}");
            }
        }

        private string Str()
        {
            char quote = text[pos++];
            int end = text.IndexOf(quote, pos);
            if (end < 0) Fail("unterminated string");
            string s = text[pos..end];
            pos = end + 1;
            return s;
        }

        private long Integer()
        {
            int start = pos;
            if (text[pos] == '-') pos++;
            while (pos < text.Length && char.IsDigit(text[pos])) pos++;
            if (pos < text.Length && text[pos] == 'L') pos++; // Python 2 long suffix
            if (!long.TryParse(text.AsSpan(start, pos - start).TrimEnd('L'), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
                Fail($"bad integer \"{text[start..pos]}\"");
            return v;
        }

        private bool Match(string word)
        {
            if (string.CompareOrdinal(text, pos, word, 0, word.Length) != 0) return false;
            pos += word.Length;
            return true;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) Fail($"expected '{c}' at header position {pos}");
            pos++;
        }

        private char Peek() => pos < text.Length ? text[pos] : '\0';

        private void SkipSpace()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
        }

        private void Fail(string what) =>
            throw new DataFormatException(name, $"cannot parse the .npy header ({what}): \"{text.Trim()}\".", offset);
    }
}
