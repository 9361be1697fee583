using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>ONNX tensor element types the adapter reads and writes: sizes, torch counterparts, value writes.</summary>
internal static class OnnxElement
{
    /// <summary>Element types accepted for the noise level and the extra inputs.</summary>
    public static bool IsNumeric(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Float16
        or TensorElementType.Double or TensorElementType.Int64 or TensorElementType.Int32 or TensorElementType.Bool;

    /// <summary>Element types accepted for the sample input and the output (float tensors torch can hold).</summary>
    public static bool IsFloat(TensorElementType type) => type is TensorElementType.Float or TensorElementType.Float16 or TensorElementType.Double;

    /// <summary>Integer types (a noise level of such a type can only take steps).</summary>
    public static bool IsInteger(TensorElementType type) => type is TensorElementType.Int64 or TensorElementType.Int32;

    public static int Size(TensorElementType type) => type switch
    {
        TensorElementType.Double or TensorElementType.Int64 => 8,
        TensorElementType.Float or TensorElementType.Int32 => 4,
        TensorElementType.Float16 => 2,
        TensorElementType.Bool => 1,
        _ => throw new NotSupportedException($"Element type {type} is not supported."),
    };

    public static ScalarType Torch(TensorElementType type) => type switch
    {
        TensorElementType.Float => ScalarType.Float32,
        TensorElementType.Float16 => ScalarType.Float16,
        TensorElementType.Double => ScalarType.Float64,
        _ => throw new NotSupportedException($"Element type {type} has no float torch counterpart."),
    };

    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "float64",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Bool => "bool",
        _ => type.ToString(),
    };

    /// <summary>Writes <paramref name="value"/> as element <paramref name="index"/> of type <paramref name="type"/> into <paramref name="buffer"/>.
    /// Integer types take the value rounded to the nearest integer.</summary>
    public static void Write(Span<byte> buffer, TensorElementType type, int index, double value)
    {
        switch (type)
        {
            case TensorElementType.Float: MemoryMarshal.Cast<byte, float>(buffer)[index] = (float)value; break;
            case TensorElementType.Double: MemoryMarshal.Cast<byte, double>(buffer)[index] = value; break;
            case TensorElementType.Float16: MemoryMarshal.Cast<byte, Half>(buffer)[index] = (Half)value; break;
            case TensorElementType.Int64: MemoryMarshal.Cast<byte, long>(buffer)[index] = (long)Math.Round(value); break;
            case TensorElementType.Int32: MemoryMarshal.Cast<byte, int>(buffer)[index] = (int)Math.Round(value); break;
            case TensorElementType.Bool: buffer[index] = value != 0 ? (byte)1 : (byte)0; break;
            default: throw new NotSupportedException($"Element type {type} is not supported.");
        }
    }

    /// <summary>"[batch, 4] float32" for error messages; symbolic or free dimensions print their name or "?".</summary>
    public static string Describe(string name, Microsoft.ML.OnnxRuntime.NodeMetadata meta)
    {
        if (!meta.IsTensor) return $"{name} ({meta.OnnxValueType})";
        var dims = meta.Dimensions.Select((d, i) => d >= 0 ? d.ToString()
            : i < meta.SymbolicDimensions.Length && !string.IsNullOrEmpty(meta.SymbolicDimensions[i]) ? meta.SymbolicDimensions[i] : "?");
        return $"{name} [{string.Join(", ", dims)}] {Name(meta.ElementDataType)}";
    }
}
