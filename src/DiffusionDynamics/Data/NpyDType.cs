namespace DiffusionDynamics.Data;

/// <summary>Element types of .npy arrays this project reads and writes (all little-endian, NumPy descr in brackets).</summary>
public enum NpyDType
{
    /// <summary>32-bit IEEE float ('&lt;f4'), held as <see cref="float"/>[].</summary>
    Float32,
    /// <summary>64-bit IEEE float ('&lt;f8'), held as <see cref="double"/>[].</summary>
    Float64,
    /// <summary>Unsigned byte ('|u1'), held as <see cref="byte"/>[].</summary>
    UInt8,
    /// <summary>32-bit signed integer ('&lt;i4'), held as <see cref="int"/>[].</summary>
    Int32,
    /// <summary>64-bit signed integer ('&lt;i8'), held as <see cref="long"/>[].</summary>
    Int64,
}
