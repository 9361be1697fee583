using DiffusionDynamics.Data;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// The <see cref="IDenoiserSource"/> of <see cref="DenoiserKind.Imported"/>: an ONNX model file read as an
/// <see cref="OnnxDenoiser"/> with the spec's <see cref="DenoiserSpec.Onnx"/> options (diffusers' defaults when none).
/// When the options leave the item shape open and the graph does not fix it, the data's item shape is used
/// ([C, H, W] of images, else [d]); a graph whose item holds a different number of values than the data is an
/// <see cref="ArgumentException"/> naming the model file and both shapes. Added to the full factory by
/// <c>Neural.Denoisers.Factory</c>.
/// </summary>
public sealed class OnnxDenoiserSource : IDenoiserSource
{
    /// <inheritdoc />
    public DenoiserKind Kind => DenoiserKind.Imported;

    /// <inheritdoc />
    public IDenoiser Create(DenoiserSpec spec, Dataset data, SyntheticData? truth)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        var options = spec.OnnxOptions();
        var denoiser = Open(options, data);
        if (denoiser.Dimension != data.Dimension)
        {
            string shape = string.Join(", ", denoiser.ItemShape);
            denoiser.Dispose();
            throw OptionMessage.Argument($"{options.ModelPath}: the model takes items of shape [{shape}] (d = {denoiser.Dimension}), " +
                $"but the data {data.Name} have d = {data.Dimension} (item shape [{string.Join(", ", data.ItemShape)}]); give {{Data}} of the model's item shape.", "Data");
        }
        return denoiser;
    }

    /// <summary>The denoiser with the options' item shape, else the graph's, else the data's (images [C, H, W], then flat [d]).</summary>
    private static OnnxDenoiser Open(OnnxModelOptions options, Dataset data)
    {
        if (options.ItemShape is not null) return new OnnxDenoiser(options);
        try
        {
            return new OnnxDenoiser(options);
        }
        catch (ArgumentException first) when (first.ParamName == nameof(OnnxModelOptions.ItemShape))
        {
            int[][] candidates = data.ItemShape.Length > 1 ? [data.ItemShape, [data.Dimension]] : [[data.Dimension]];
            ArgumentException? last = null;
            foreach (var shape in candidates)
            {
                try
                {
                    return new OnnxDenoiser(options with { ItemShape = shape });
                }
                catch (ArgumentException e) when (e.ParamName == nameof(OnnxModelOptions.ItemShape))
                {
                    last ??= e;
                }
            }
            throw last ?? first;
        }
    }
}
