using System.Runtime.InteropServices;
using DiffusionDynamics.Data;
using DiffusionDynamics.Time;
using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Scores.Onnx;

/// <summary>
/// A pretrained diffusion model exported to ONNX (PyTorch, diffusers, JAX), read as the denoiser D(x, t) in the OU
/// clock (docs/theory.md §1, §2, §9). The graph takes a noisy sample and a noise level; <see cref="OnnxModelOptions"/>
/// say what they are. With the model's level mapped from t by <see cref="Clock"/> (α = e^{−t_m}, σ = √Δ_{t_m} at the
/// represented time t_m; x_t = α a + σ ε):
/// <list type="bullet">
/// <item>DDPM steps and VP-SDE time: the model takes x as is (the DDPM state x_k is the OU state at t_k);
/// ε: D = (x − σ ε̂)/α; v: D = α x − σ v̂; x₀: D = x̂₀.</item>
/// <item>EDM σ = √(e^{2t} − 1): the model takes x_σ = x e^{t}; D = its output (x₀), or x_σ − σ ε̂ (ε); the raw network
/// F takes c_in x_σ and c_noise = ¼ ln σ, and D = c_skip x_σ + c_out F (Karras et al. 2022, arXiv 2206.00364, Table 1).</item>
/// </list>
/// Input element types and ranks come from the graph: a float32, float16 or float64 sample of shape [B, ..item];
/// a noise level of int64, int32, float32, float16 or float64, shaped [B], [1] or a scalar; extra inputs fixed from
/// the options (e.g. class labels, which give the class-conditional D_y). A graph with a fixed batch size runs in
/// padded chunks of that size.
/// <para>Performance: the sample and output of each chunk are bound to torch's native memory without copies; the
/// noise-level and extra-input buffers are pinned once and reused; batches are chunked to
/// <see cref="OnnxModelOptions.MaxChunkElements"/>. Each item's result depends on that item alone (no batch statistics
/// in a diffusion model's inference graph), so results do not depend on the batch size or chunking.</para>
/// Thread-safe (calls are serialized); dispose to release the ONNX Runtime session.
/// </summary>
public sealed class OnnxDenoiser : IDenoiser, IDisposable
{
    private enum LevelLayout { Scalar, One, Batch }

    private sealed record ExtraInput(string Name, TensorElementType Type, bool Batched, long[] ItemDims, int ItemCount, byte[] Buffer);

    private readonly object gate = new();
    private readonly SharedSession shared;
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly OrtMemoryInfo memoryInfo = OrtMemoryInfo.DefaultInstance;
    private readonly int[] itemShape;
    private readonly long[] sampleItemDims;
    private readonly long[] outputItemDims;
    private readonly TensorElementType sampleType, levelType, outputType;
    private readonly LevelLayout levelLayout;
    private readonly int? fixedBatch;
    private readonly int chunk;
    private readonly byte[] levelBuffer;
    private readonly ExtraInput[] extras;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly double sigmaData;
    private readonly ModelClockLog.Usage? usage;
    private bool disposed;

    /// <summary>Loads and checks the model; runs one probe evaluation to check the output's shape.</summary>
    /// <exception cref="FileNotFoundException">The model or schedule file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an ONNX model (or is corrupt), or a schedule file is malformed.</exception>
    /// <exception cref="ArgumentException">
    /// Options that do not fit the graph (message names the model file): a missing named input or output, a required
    /// input not given, an unknown extra input, a sample shape that does not match the item shape, an unsupported element
    /// type, a missing or impossible clock option.
    /// </exception>
    public OnnxDenoiser(OnnxModelOptions options) : this(options, null)
    {
    }

    private OnnxDenoiser(OnnxModelOptions options, SharedSession? shared)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        string path = options.ModelPath;
        Backend.TorchRuntime.EnsureInitialized();

        this.shared = shared?.Acquire() ?? SharedSession.Open(path, options.Threads);
        session = this.shared.Session;
        try
        {
            var inputs = session.InputMetadata;
            string Listing() => string.Join("; ", inputs.Select(kv => OnnxElement.Describe(kv.Key, kv.Value)));

            // Sample input: [B, ..item] float.
            if (!inputs.TryGetValue(options.SampleInput, out var sampleMeta))
                throw OptionMessage.Argument($"{path}: the graph has no input '{options.SampleInput}' for the sample; its inputs are {Listing()}. Set {{SampleInput}}.", nameof(OnnxModelOptions.SampleInput));
            if (!sampleMeta.IsTensor || !OnnxElement.IsFloat(sampleMeta.ElementDataType))
                throw OptionMessage.Argument($"{path}: sample input {OnnxElement.Describe(options.SampleInput, sampleMeta)} must be a float32, float16 or float64 tensor (see {{SampleInput}}).", nameof(OnnxModelOptions.SampleInput));
            sampleType = sampleMeta.ElementDataType;
            var dims = sampleMeta.Dimensions;
            if (options.ItemShape is { } given)
            {
                if (dims.Length != given.Count + 1)
                    throw OptionMessage.Argument($"{path}: sample input {OnnxElement.Describe(options.SampleInput, sampleMeta)} has rank {dims.Length}, " +
                        $"but the item shape [{string.Join(", ", given)}] needs [B, {string.Join(", ", given)}] (rank {given.Count + 1}); check {{ItemShape}}.", nameof(OnnxModelOptions.ItemShape));
                for (int i = 0; i < given.Count; i++)
                    if (dims[i + 1] > 0 && dims[i + 1] != given[i])
                        throw OptionMessage.Argument($"{path}: sample input {OnnxElement.Describe(options.SampleInput, sampleMeta)} does not match the item shape [{string.Join(", ", given)}] " +
                            $"(dimension {i + 1} is {dims[i + 1]}, not {given[i]}); check {{ItemShape}}.", nameof(OnnxModelOptions.ItemShape));
                itemShape = given.ToArray();
            }
            else
            {
                if (dims.Length < 2 || dims.Skip(1).Any(e => e <= 0))
                    throw OptionMessage.Argument($"{path}: sample input {OnnxElement.Describe(options.SampleInput, sampleMeta)} has no fixed item shape; set {{ItemShape}} (d or C,H,W).", nameof(OnnxModelOptions.ItemShape));
                itemShape = dims.Skip(1).ToArray();
            }
            if (dims.Length < 1) throw OptionMessage.Argument($"{path}: sample input '{options.SampleInput}' is a scalar; it needs a batch dimension (see {{SampleInput}}).", nameof(OnnxModelOptions.SampleInput));
            fixedBatch = dims[0] > 0 ? dims[0] : null;
            sampleItemDims = itemShape.Select(e => (long)e).ToArray();
            long dimension = itemShape.Aggregate(1L, (a, e) => a * e);
            if (dimension > int.MaxValue) throw OptionMessage.Argument($"{path}: the item shape [{string.Join(", ", itemShape)}] has too many elements (see {{ItemShape}}).", nameof(OnnxModelOptions.ItemShape));
            Dimension = (int)dimension;
            chunk = fixedBatch ?? (int)Math.Clamp(options.MaxChunkElements / Dimension, 1, int.MaxValue / Math.Max(Dimension, 1));

            // Noise-level input: int or float, scalar, [1] or [B].
            if (options.TimestepInput == options.SampleInput)
                throw OptionMessage.Argument($"{path}: {{SampleInput}} and {{TimestepInput}} are both '{options.SampleInput}'.", nameof(OnnxModelOptions.TimestepInput), nameof(OnnxModelOptions.SampleInput));
            if (!inputs.TryGetValue(options.TimestepInput, out var levelMeta))
                throw OptionMessage.Argument($"{path}: the graph has no input '{options.TimestepInput}' for the noise level; its inputs are {Listing()}. Set {{TimestepInput}}.", nameof(OnnxModelOptions.TimestepInput));
            if (!levelMeta.IsTensor || !OnnxElement.IsNumeric(levelMeta.ElementDataType) || levelMeta.ElementDataType == TensorElementType.Bool)
                throw OptionMessage.Argument($"{path}: noise-level input {OnnxElement.Describe(options.TimestepInput, levelMeta)} must be an int64, int32, float32, float16 or float64 tensor (see {{TimestepInput}}).", nameof(OnnxModelOptions.TimestepInput));
            levelType = levelMeta.ElementDataType;
            var levelDims = levelMeta.Dimensions;
            levelLayout = levelDims.Length switch
            {
                0 => LevelLayout.Scalar,
                1 when levelDims[0] == 1 && fixedBatch is null or 1 => LevelLayout.One,
                1 when levelDims[0] <= 0 || levelDims[0] == fixedBatch => LevelLayout.Batch,
                _ => throw OptionMessage.Argument($"{path}: noise-level input {OnnxElement.Describe(options.TimestepInput, levelMeta)} must be a scalar, [1] or [batch] (see {{TimestepInput}}).", nameof(OnnxModelOptions.TimestepInput)),
            };
            levelBuffer = GC.AllocateArray<byte>(OnnxElement.Size(levelType) * (levelLayout == LevelLayout.Batch ? chunk : 1), pinned: true);

            // Extra inputs: every other required input must be fixed by the options, and every option must name an input.
            foreach (var name in options.ExtraInputs.Keys)
                if (!inputs.ContainsKey(name) || name == options.SampleInput || name == options.TimestepInput)
                    throw OptionMessage.Argument($"{path}: extra input '{name}' is not another input of the graph; its inputs are {Listing()} (see {{ExtraInputs}}).", nameof(OnnxModelOptions.ExtraInputs));
            var missing = inputs.Keys.Where(n => n != options.SampleInput && n != options.TimestepInput && !options.ExtraInputs.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw OptionMessage.Argument($"{path}: the graph also needs input{(missing.Count > 1 ? "s" : "")} " +
                    $"{string.Join(", ", missing.Select(n => OnnxElement.Describe(n, inputs[n])))}; give {(missing.Count > 1 ? "their" : "its")} values with {{ExtraInputs}} (or a class label with {{ClassLabel}}).", nameof(OnnxModelOptions.ExtraInputs), "ClassLabel");
            extras = options.ExtraInputs.Select(kv => BuildExtra(path, kv.Key, inputs[kv.Key], kv.Value)).ToArray();
            inputNames = [options.SampleInput, options.TimestepInput, .. extras.Select(e => e.Name)];

            // Output.
            var outputs = session.OutputMetadata;
            string outputName = options.Output ?? session.OutputNames[0];
            if (!outputs.TryGetValue(outputName, out var outputMeta))
                throw OptionMessage.Argument($"{path}: the graph has no output '{outputName}'; its outputs are {string.Join("; ", outputs.Select(kv => OnnxElement.Describe(kv.Key, kv.Value)))}. Set {{Output}}.", nameof(OnnxModelOptions.Output));
            if (!outputMeta.IsTensor || !OnnxElement.IsFloat(outputMeta.ElementDataType))
                throw OptionMessage.Argument($"{path}: output {OnnxElement.Describe(outputName, outputMeta)} must be a float32, float16 or float64 tensor (see {{Output}}).", nameof(OnnxModelOptions.Output));
            outputType = outputMeta.ElementDataType;
            outputNames = [outputName];

            // Clock and prediction.
            bool integerLevel = OnnxElement.IsInteger(levelType);
            OnnxPrediction? configPrediction = null;
            var kind = options.Schedule ?? (options.SchedulePath is not null ? OnnxScheduleKind.Table
                : integerLevel ? OnnxScheduleKind.DdpmLinear
                : throw OptionMessage.Argument($"{path}: missing clock option: the noise-level input {OnnxElement.Describe(options.TimestepInput, levelMeta)} is not an integer step, " +
                    "so the model's clock is unknown. Set {Schedule} (ddpm-linear, ddpm-cosine, vp, edm, or a β/ᾱ table or scheduler_config.json file).", nameof(OnnxModelOptions.Schedule)));
            if (integerLevel && kind is OnnxScheduleKind.VpSde or OnnxScheduleKind.Edm)
                throw OptionMessage.Argument($"{path}: {{Schedule}} {kind} feeds a continuous noise level, but input {OnnxElement.Describe(options.TimestepInput, levelMeta)} is an integer.", nameof(OnnxModelOptions.Schedule));
            Clock = kind switch
            {
                OnnxScheduleKind.DdpmLinear => OnnxClock.Discrete(kind, DdpmLinearSchedule.Create(options.TrainSteps, options.BetaStart, options.BetaEnd), options.Mapping, integerLevel),
                OnnxScheduleKind.DdpmCosine => OnnxClock.Discrete(kind, CosineSchedule.Create(options.TrainSteps, options.CosineOffset), options.Mapping, integerLevel),
                OnnxScheduleKind.Table => TableClock(options, integerLevel, out configPrediction),
                OnnxScheduleKind.VpSde => OnnxClock.VpSdeClock(new VpSde(options.VpBetaMin, options.VpBetaMax), options.VpTimeScale),
                _ => OnnxClock.EdmClock(options.EdmPreconditioning),
            };
            Prediction = options.Prediction ?? configPrediction ?? (kind == OnnxScheduleKind.Edm ? OnnxPrediction.Sample : OnnxPrediction.Epsilon);
            if (kind == OnnxScheduleKind.Edm && Prediction == OnnxPrediction.V)
                throw OptionMessage.Argument($"{path}: v-prediction is not defined on the EDM σ clock; set {{Prediction}} to epsilon or sample.", nameof(OnnxModelOptions.Prediction));
            if (kind == OnnxScheduleKind.Edm && options.EdmPreconditioning == EdmPreconditioning.RawNetwork && Prediction != OnnxPrediction.Sample)
                throw OptionMessage.Argument($"{path}: the raw EDM network F gives D = c_skip x + c_out F; its {{Prediction}} is sample (got {Prediction}).", nameof(OnnxModelOptions.Prediction));
            sigmaData = options.SigmaData;

            // Probe: one chunk at a mid-range level checks that the output holds d values per item.
            outputItemDims = Probe(path, outputName);

            // The run's log of clock use (the time-mapping error every report shows), when one is open.
            usage = ModelClockLog.Current?.Join(this);
        }
        catch
        {
            this.shared.Release();
            runOptions.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The same model with other fixed extra inputs (e.g. another class label, for the class-conditional D_y of each
    /// class y): shares this denoiser's ONNX Runtime session, which is released when the last sharer is disposed.
    /// </summary>
    public OnnxDenoiser WithExtraInputs(IReadOnlyDictionary<string, double[]> extraInputs)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new OnnxDenoiser(Options with { ExtraInputs = extraInputs }, shared);
    }

    /// <summary>The options the denoiser was built from.</summary>
    public OnnxModelOptions Options { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Shape of one item as the graph takes it ([d] or [C, H, W]); x: [B, d] is reshaped to [B, ..shape].</summary>
    public IReadOnlyList<int> ItemShape => itemShape;

    /// <summary>The prediction type in force (explicit, from the scheduler config, or the default).</summary>
    public OnnxPrediction Prediction { get; }

    /// <summary>The map from OU time to the model's noise level.</summary>
    public OnnxClock Clock { get; }

    /// <summary>Element type of the sample input ("float32", "float16", "float64").</summary>
    public string SampleElementType => OnnxElement.Name(sampleType);

    /// <summary>Element type of the noise-level input ("int64", "float32", …).</summary>
    public string TimestepElementType => OnnxElement.Name(levelType);

    /// <summary>Items per graph call (the graph's fixed batch size, else ⌊MaxChunkElements / d⌋).</summary>
    public int ChunkSize => chunk;

    /// <summary>How t reaches the model, and the represented OU time and |Δt| (<see cref="OnnxClock.Map"/>). Range: t &gt; 0.</summary>
    public OnnxNoiseLevel Level(double t) => Clock.Map(t);

    /// <summary>One line for reports and manifests: file, inputs, prediction and clock.</summary>
    public string Describe() =>
        $"{Path.GetFileName(Options.ModelPath)}: {Options.SampleInput} [B, {string.Join(", ", itemShape)}] {SampleElementType}, " +
        $"{Options.TimestepInput} {TimestepElementType}{(levelLayout == LevelLayout.Scalar ? " scalar" : levelLayout == LevelLayout.One ? " [1]" : " [B]")}, " +
        $"{Prediction} prediction, clock {Clock.Name}{(extras.Length > 0 ? ", fixed " + string.Join(", ", extras.Select(e => e.Name)) : "")}";

    /// <summary>
    /// D(x, t) for x: [B, d] (float32 or float64), t &gt; 0; the result has x's dtype. The model runs in its own input
    /// type; the conversion of its output to D is done in x's dtype. See the class remarks for the formulas.
    /// </summary>
    public Tensor Denoise(Tensor x, double t)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        DenoiserChecks.Require(x, Dimension, t);
        var level = Clock.Map(t);
        usage?.Record(level);
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0];
        var dtype = x.dtype;

        // The model's input: the OU state for DDPM / VP clocks, x_σ = x e^{t} (times c_in for F) for EDM.
        Tensor modelInput, xSigma = x;
        double sigma = 0;
        if (Clock.Kind == OnnxScheduleKind.Edm)
        {
            sigma = EdmSigma.FromTime(t);
            xSigma = x * Math.Exp(t);
            modelInput = Clock.Edm == EdmPreconditioning.RawNetwork ? xSigma / Math.Sqrt(sigma * sigma + sigmaData * sigmaData) : xSigma;
        }
        else modelInput = x;
        modelInput = modelInput.to_type(OnnxElement.Torch(sampleType)).contiguous();

        Tensor? d = null;
        foreach (var e in level.Evaluations)
        {
            var output = Run(modelInput, b, e.ModelValue).to_type(dtype);
            Tensor de;
            if (Clock.Kind == OnnxScheduleKind.Edm)
            {
                double s2 = sigma * sigma, sd2 = sigmaData * sigmaData;
                de = Clock.Edm == EdmPreconditioning.RawNetwork
                    ? xSigma * (sd2 / (s2 + sd2)) + output * (sigma * sigmaData / Math.Sqrt(s2 + sd2)) // c_skip x_σ + c_out F
                    : Prediction == OnnxPrediction.Epsilon ? xSigma - output * sigma : output;
            }
            else
            {
                double alpha = Math.Exp(-e.Time), sigmaT = Math.Sqrt(OuTime.Delta(e.Time));
                de = Prediction switch
                {
                    OnnxPrediction.Epsilon => (x - output * sigmaT) / alpha, // D = (x − σ ε̂)/α
                    OnnxPrediction.V => x * alpha - output * sigmaT,         // D = α x − σ v̂
                    _ => output,                                             // D = x̂₀
                };
            }
            d = d is null ? (e.Weight == 1 ? de : de * e.Weight) : d.add_(de * e.Weight);
        }
        return d!.MoveToOuterDisposeScope();
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            shared.Release();
            runOptions.Dispose();
        }
    }

    /// <summary>The raw graph output for <paramref name="modelInput"/>: [B, d] contiguous in the sample type, one noise level; returns [B, d] in the output type.</summary>
    private Tensor Run(Tensor modelInput, long b, double levelValue)
    {
        int sampleSize = OnnxElement.Size(sampleType), outputSize = OnnxElement.Size(outputType);
        var output = torch.empty([b, Dimension], OnnxElement.Torch(outputType));
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            int levelCount = levelLayout == LevelLayout.Batch ? (int)Math.Min(chunk, fixedBatch ?? b) : 1;
            for (int i = 0; i < levelCount; i++) OnnxElement.Write(levelBuffer, levelType, i, levelValue);
            var values = new OrtValue[inputNames.Length];
            for (long start = 0; start < b; start += chunk)
            {
                int len = (int)Math.Min(chunk, b - start);
                int runLen = fixedBatch ?? len;
                using var chunkScope = torch.NewDisposeScope();
                Tensor inChunk = modelInput.narrow(0, start, len), outChunk = output.narrow(0, start, len);
                if (runLen != len)
                {
                    // A fixed-batch graph: pad the last chunk with zeros and keep the first len rows.
                    var padded = torch.zeros([runLen, Dimension], modelInput.dtype);
                    padded.narrow(0, 0, len).copy_(inChunk);
                    inChunk = padded;
                    outChunk = torch.empty([runLen, Dimension], output.dtype);
                }
                try
                {
                    values[0] = OrtValue.CreateTensorValueWithData(memoryInfo, sampleType, [runLen, .. sampleItemDims],
                        Address(inChunk), (long)runLen * Dimension * sampleSize);
                    values[1] = LevelValue(runLen);
                    for (int k = 0; k < extras.Length; k++) values[2 + k] = ExtraValue(extras[k], runLen);
                    using var outValue = OrtValue.CreateTensorValueWithData(memoryInfo, outputType, [runLen, .. outputItemDims],
                        Address(outChunk), (long)runLen * Dimension * outputSize);
                    session.Run(runOptions, inputNames, values, outputNames, [outValue]);
                }
                catch (OnnxRuntimeException e)
                {
                    throw new InvalidOperationException($"{Options.ModelPath}: the graph failed on a chunk of {runLen} items: {FirstLine(e.Message)}", e);
                }
                finally
                {
                    foreach (var v in values) v?.Dispose();
                    Array.Clear(values);
                }
                if (runLen != len) output.narrow(0, start, len).copy_(outChunk.narrow(0, 0, len));
            }
        }
        return output;
    }

    private OrtValue LevelValue(int runLen)
    {
        long[] shape = levelLayout switch { LevelLayout.Scalar => [], LevelLayout.One => [1], _ => [runLen] };
        int count = levelLayout == LevelLayout.Batch ? runLen : 1;
        return OrtValue.CreateTensorValueWithData(memoryInfo, levelType, shape, Address(levelBuffer), (long)count * OnnxElement.Size(levelType));
    }

    private OrtValue ExtraValue(ExtraInput extra, int runLen)
    {
        long[] shape = extra.Batched ? [runLen, .. extra.ItemDims] : extra.ItemDims;
        long count = extra.Batched ? (long)runLen * extra.ItemCount : extra.ItemCount;
        return OrtValue.CreateTensorValueWithData(memoryInfo, extra.Type, shape, Address(extra.Buffer), count * OnnxElement.Size(extra.Type));
    }

    private ExtraInput BuildExtra(string path, string name, NodeMetadata meta, double[] values)
    {
        if (!meta.IsTensor || !OnnxElement.IsNumeric(meta.ElementDataType))
            throw OptionMessage.Argument($"{path}: extra input {OnnxElement.Describe(name, meta)} is not a numeric tensor this adapter can fill (see {{ExtraInputs}}).", nameof(OnnxModelOptions.ExtraInputs));
        var dims = meta.Dimensions;
        bool batched = dims.Length > 0 && (dims[0] <= 0 || (fixedBatch is > 1 && dims[0] == fixedBatch));
        long[] itemDims = (batched ? dims[1..] : dims).Select(e => (long)e).ToArray();
        if (itemDims.Any(e => e <= 0))
            throw OptionMessage.Argument($"{path}: extra input {OnnxElement.Describe(name, meta)} has a free dimension besides the batch; it cannot be filled from fixed values (see {{ExtraInputs}}).", nameof(OnnxModelOptions.ExtraInputs));
        int itemCount = (int)itemDims.Aggregate(1L, (a, e) => a * e);
        if (values.Length != 1 && values.Length != itemCount)
            throw OptionMessage.Argument($"{path}: extra input {OnnxElement.Describe(name, meta)} needs 1 or {itemCount} values{(batched ? " per item" : "")} in {{ExtraInputs}}, got {values.Length}.", nameof(OnnxModelOptions.ExtraInputs));
        int copies = batched ? chunk : 1;
        var buffer = GC.AllocateArray<byte>(Math.Max(1, copies * itemCount * OnnxElement.Size(meta.ElementDataType)), pinned: true);
        for (int c = 0; c < copies; c++)
            for (int i = 0; i < itemCount; i++)
                OnnxElement.Write(buffer, meta.ElementDataType, c * itemCount + i, values.Length == 1 ? values[0] : values[i]);
        return new ExtraInput(name, meta.ElementDataType, batched, itemDims, itemCount, buffer);
    }

    private long[] Probe(string path, string outputName)
    {
        var (lo, hi) = Clock.Range;
        double t = double.IsPositiveInfinity(hi) ? 1.0 : 0.5 * (Math.Max(lo, 1e-3) + hi);
        int probe = fixedBatch ?? 1;
        var levelValue = Clock.Map(t).Evaluations[0].ModelValue;
        using var scope = torch.NewDisposeScope();
        var input = torch.zeros([probe, Dimension], OnnxElement.Torch(sampleType));
        for (int i = 0; i < (levelLayout == LevelLayout.Batch ? probe : 1); i++) OnnxElement.Write(levelBuffer, levelType, i, levelValue);
        var values = new OrtValue[inputNames.Length];
        try
        {
            values[0] = OrtValue.CreateTensorValueWithData(memoryInfo, sampleType, [probe, .. sampleItemDims],
                Address(input), (long)probe * Dimension * OnnxElement.Size(sampleType));
            values[1] = LevelValue(probe);
            for (int k = 0; k < extras.Length; k++) values[2 + k] = ExtraValue(extras[k], probe);
            using var results = session.Run(runOptions, inputNames, values, outputNames);
            var shape = results[0].GetTensorTypeAndShape().Shape;
            long perItem = shape.Length < 1 || shape[0] != probe ? -1 : shape.Skip(1).Aggregate(1L, (a, e) => a * e);
            if (perItem != Dimension)
                throw OptionMessage.Argument($"{path}: output '{outputName}' has shape [{string.Join(", ", shape)}] for a batch of {probe}, " +
                    $"but the sample's item shape [{string.Join(", ", itemShape)}] has d = {Dimension} values per item; the output must have as many (see {{Output}}, {{ItemShape}}).", nameof(OnnxModelOptions.Output), nameof(OnnxModelOptions.ItemShape));
            return shape[1..];
        }
        catch (OnnxRuntimeException e)
        {
            throw OptionMessage.Argument($"{path}: the graph does not run on a sample of item shape [{string.Join(", ", itemShape)}] " +
                $"with the given inputs (see {{ItemShape}}): {FirstLine(e.Message)}", nameof(OnnxModelOptions.ItemShape));
        }
        finally
        {
            foreach (var v in values) v?.Dispose();
        }
    }

    private static OnnxClock TableClock(OnnxModelOptions options, bool integerLevel, out OnnxPrediction? prediction)
    {
        var read = ScheduleFile.Read(options.SchedulePath!, options.TableKind);
        prediction = read.Prediction;
        return OnnxClock.Discrete(OnnxScheduleKind.Table, read.Schedule, options.Mapping, integerLevel);
    }

    /// <summary>One ONNX Runtime session, shared by the denoisers that differ only in their fixed extra inputs.</summary>
    private sealed class SharedSession
    {
        private readonly object gate = new();
        private int references = 1;

        private SharedSession(InferenceSession session) => Session = session;

        public InferenceSession Session { get; }

        public static SharedSession Open(string path, int threads)
        {
            if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
            using var sessionOptions = new SessionOptions
            {
                IntraOpNumThreads = ResolveThreads(threads),
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            };
            // No busy-waiting between graph calls: a spinning ORT pool slows the torch work around it on few cores.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            try { return new SharedSession(new InferenceSession(path, sessionOptions)); }
            catch (OnnxRuntimeException e)
            {
                throw new DataFormatException(path, $"not a valid ONNX model ({FirstLine(e.Message)}).", innerException: e);
            }
        }

        public SharedSession Acquire()
        {
            lock (gate)
            {
                if (references == 0) throw new ObjectDisposedException(nameof(OnnxDenoiser), "The ONNX Runtime session has been released.");
                references++;
                return this;
            }
        }

        public void Release()
        {
            lock (gate)
            {
                if (--references == 0) Session.Dispose();
            }
        }
    }

    private static int ResolveThreads(int threads)
    {
        if (threads > 0) return threads;
        return int.TryParse(Environment.GetEnvironmentVariable("DIFFDYN_THREADS"), out int t) && t > 0 ? t : Environment.ProcessorCount;
    }

    private static IntPtr Address(byte[] pinned) => Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);

    /// <summary>Address of the first element of a contiguous CPU tensor (its native storage plus offset; never moves).</summary>
    private static unsafe IntPtr Address(Tensor tensor)
    {
        if (!tensor.is_contiguous()) throw new InvalidOperationException("Internal: a graph buffer must be contiguous.");
        fixed (byte* p = tensor.bytes) return (IntPtr)p;
    }

    private static string FirstLine(string message)
    {
        int n = message.IndexOf('\n');
        return (n < 0 ? message : message[..n]).Trim();
    }
}
