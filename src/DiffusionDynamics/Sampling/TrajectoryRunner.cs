using DiffusionDynamics.Random;
using DiffusionDynamics.Scores;
using DiffusionDynamics.Time;
using TorchSharp;
using static TorchSharp.torch;

namespace DiffusionDynamics.Sampling;

/// <summary>
/// The one trajectory runner: integrates batches of trajectories of the backward dynamics (docs/theory.md §3) with a registered
/// sampler (<see cref="SamplerRegistry"/>) over a time grid, with per-sample noise streams, step observers, progress in grid
/// steps, cancellation between steps, and branching into clones under any sampler. Every analysis that runs trajectories
/// goes through it.
/// </summary>
/// <example><code>
/// var request = new TrajectoryRequest(SamplerKind.OdeHeun) { FinalDenoise = false };
/// using var x0 = TrajectoryRunner.Run(denoiser, request, grid, xT, noise, observer, progress, ct);
/// </code></example>
public static class TrajectoryRunner
{
    /// <summary>
    /// Runs one batch x ([B, d] at grid[request.FromIndex], not modified) from grid index FromIndex to ToIndex. Each step evaluates
    /// D(x, t), shows the observer a <see cref="StepRecord"/>, draws z ([B, d], one draw per step per row) for a stochastic method, and
    /// applies the method's step function. When the run reaches the grid's last index, a final record is shown and, with
    /// <see cref="TrajectoryRequest.FinalDenoise"/>, the output is D(x(t_min), t_min). A multistep method's memory lives for this call
    /// only, so its first step from FromIndex is first order.
    /// </summary>
    /// <param name="noise">Per-sample noise, [B, d]; required for stochastic runs (<see cref="TrajectoryRequest.IsStochastic"/>), ignored otherwise.</param>
    /// <param name="observer">Sees every grid time (tensors valid during the callback only).</param>
    /// <param name="progress">Receives the grid steps done in this call (0 … ToIndex − FromIndex).</param>
    /// <returns>The final state [B, d] (the caller owns it).</returns>
    public static Tensor Run(IDenoiser denoiser, TrajectoryRequest request, TimeGrid grid, Tensor x, NoiseSource? noise = null,
        IStepObserver? observer = null, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(grid);
        int fromIndex = request.FromIndex, toIndex = request.ToIndex ?? grid.Steps;
        if (fromIndex < 0 || toIndex > grid.Steps || fromIndex > toIndex)
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"Step range [{fromIndex}, {toIndex}] is outside the grid [0, {grid.Steps}].");
        if (x.dim() != 2 || x.shape[1] != denoiser.Dimension)
            throw new ArgumentException($"x must have shape [B, {denoiser.Dimension}], got [{string.Join(", ", x.shape)}].", nameof(x));
        var method = SamplerRegistry.Get(request.Sampler);
        method.ValidateEta(request.DdimEta);
        bool stochastic = method.IsStochastic(request.DdimEta);
        if (stochastic)
        {
            if (noise is null) throw new ArgumentException($"The {method.Kind} sampler needs a noise source.", nameof(noise));
            if (noise.Batch != x.shape[0] || noise.Dimension != x.shape[1])
                throw new ArgumentException($"Noise source is [{noise.Batch}, {noise.Dimension}] but x is [{x.shape[0]}, {x.shape[1]}].", nameof(noise));
        }
        bool isLast = toIndex == grid.Steps;
        using var noiseBuffer = stochastic ? torch.empty(x.shape, dtype: x.dtype) : null;
        using var memory = method.NewMemory?.Invoke();
        // A method with a fused step updates the state in place with one scratch buffer for the run (no [B, d] allocation per step
        // besides the denoiser's output, which the step may overwrite once the observer has seen it).
        var inPlace = method.StepInPlace;
        using var scratch = inPlace is not null && toIndex > fromIndex ? torch.empty_like(x) : null;
        var state = x.clone();
        for (int k = fromIndex; k < toIndex; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(k - fromIndex);
            using var scope = NewDisposeScope();
            double t = grid[k], tNext = grid[k + 1];
            var denoised = denoiser.Denoise(state, t);
            observer?.OnStep(new StepRecord(k, t, tNext, state, denoised, false));
            if (stochastic) noise!.Fill(noiseBuffer!);
            var input = new StepInput(denoiser, state, denoised, t, tNext, noiseBuffer, request.DdimEta, scratch);
            if (inPlace is not null && Writable(denoised, state))
            {
                inPlace(input, memory);
                continue;
            }
            var next = method.Step(input, memory);
            state.Dispose();
            state = next.MoveToOuterDisposeScope();
        }
        progress?.Report(toIndex - fromIndex);

        if (!isLast) return state;
        double tLast = grid[toIndex];
        if (!request.FinalDenoise && observer is null) return state;
        using (var scope = NewDisposeScope())
        {
            var denoised = denoiser.Denoise(state, tLast);
            observer?.OnStep(new StepRecord(toIndex, tLast, 0.0, state, denoised, true));
            if (!request.FinalDenoise) return state;
            state.Dispose();
            return denoised.MoveToOuterDisposeScope();
        }
    }

    /// <summary>
    /// Runs <see cref="SampleBatches.Count"/> trajectories in batches over the whole grid. Batch [i₀, i₀ + B) draws from
    /// <see cref="NoiseSource.ForSamples"/>(Seed, i₀, B, d), starts by <see cref="SampleBatches.Start"/>, runs with the handler's
    /// observer, and hands its final states to <see cref="ITrajectoryHandler.OnFinal"/>. With <see cref="SampleBatches.Branches"/>, the
    /// states x(t_k) at every branch index k are then copied into K clones each (row b·K + c is clone c of parent b) that continue to
    /// the end with the streams <see cref="NoiseSource.Branch"/>(K, salt: k) of their parents (<see cref="CloneRule"/> says how they
    /// start under a deterministic sampler), and go to <see cref="ITrajectoryHandler.OnClones"/>. Nothing depends on the batch size.
    /// </summary>
    /// <param name="request">Sampler, η and final denoise; FromIndex/ToIndex must be the whole grid.</param>
    /// <param name="progress">Receives the grid steps done, summed over batches, parents and clones (total: <see cref="TotalSteps"/>).</param>
    public static void RunBatches(IDenoiser denoiser, TrajectoryRequest request, TimeGrid grid, SampleBatches samples,
        ITrajectoryHandler handler, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(denoiser);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(handler);
        if (samples.Count < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples.Count, "Count must be ≥ 1.");
        if (samples.Batch < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples.Batch, "Batch must be ≥ 1.");
        if (request.FromIndex != 0 || request.ToIndex is not null)
            throw new ArgumentException("A batched run covers the whole grid (FromIndex = 0, ToIndex = null).", nameof(request));
        var branches = samples.Branches;
        if (branches is not null) ValidateBranches(branches, request, grid);
        int d = denoiser.Dimension;
        long done = 0;
        for (long first = 0; first < samples.Count; first += samples.Batch)
        {
            int count = (int)Math.Min(samples.Batch, samples.Count - first);
            using var scope = NewDisposeScope();
            var noise = NoiseSource.ForSamples(samples.Seed, first, count, d);
            using var started = samples.Start.Begin(noise, grid);
            var batch = new TrajectoryBatch(first, count, noise, started.Grid, started.Indices);
            var observer = handler.Observe(batch);
            using var keeper = branches is null ? null : new StateKeeper(branches.Indices);
            IStepObserver? observers = keeper is null ? observer : observer is null ? keeper : new BothObservers(keeper, observer);
            var final = Run(denoiser, request, started.Grid, started.X, noise, observers, Offset(progress, done), cancellationToken);
            done += started.Grid.Steps;
            handler.OnFinal(batch, final);
            if (branches is null) continue;

            var rule = branches.ResolvedRule(request);
            int last = started.Grid.Steps;
            for (int b = 0; b < branches.Indices.Count; b++)
            {
                using var inner = NewDisposeScope();
                int k = branches.Indices[b];
                var parents = keeper!.States[b]!;
                var cloneNoise = noise.Branch(branches.Clones, salt: k);
                int from = branches.CloneStart(k, request);
                Tensor copies;
                switch (rule)
                {
                    case CloneRule.Renoise:
                        {
                            // Regenerate from the sample: x′(t_k) = e^{−t_k} x̂₀ + √Δ_{t_k} z.
                            double t = started.Grid[k];
                            copies = final.repeat_interleave(branches.Clones, 0, null) * OuTime.Decay(t)
                                + cloneNoise.Next(final.dtype) * Math.Sqrt(OuTime.Delta(t));
                            break;
                        }
                    case CloneRule.ForwardKick:
                        {
                            // Re-noise forward over one step: x′(t_{k−1}) = e^{−h} x(t_k) + √Δ_h z.
                            double h = started.Grid[from] - started.Grid[k];
                            copies = parents.repeat_interleave(branches.Clones, 0, null) * Math.Exp(-h)
                                + cloneNoise.Next(parents.dtype) * Math.Sqrt(OuTime.Delta(h));
                            break;
                        }
                    default:
                        copies = parents.repeat_interleave(branches.Clones, 0, null);
                        break;
                }
                var ends = from == last
                    ? (request.FinalDenoise ? denoiser.Denoise(copies, started.Grid[last]) : copies.clone())
                    : Run(denoiser, request with { FromIndex = from }, started.Grid, copies, cloneNoise, null, Offset(progress, done), cancellationToken);
                done += last - from;
                handler.OnClones(batch, k, parents, ends);
            }
        }
    }

    /// <summary>Grid steps of a batched run: per batch N for the parents plus N − k₀ for the clones of every branch (k₀ = k, or k − 1 with the forward kick).</summary>
    public static long TotalSteps(TimeGrid grid, TrajectoryRequest request, SampleBatches samples)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(samples);
        long perBatch = grid.Steps;
        if (samples.Branches is { } branches)
            perBatch += branches.Indices.Sum(k => (long)(grid.Steps - branches.CloneStart(k, request)));
        return perBatch * samples.Batches;
    }

    private static void ValidateBranches(BranchOptions branches, TrajectoryRequest request, TimeGrid grid)
    {
        if (branches.Indices is null) throw new ArgumentException("Branch indices must not be null.", nameof(branches));
        if (branches.Clones < 1) throw new ArgumentOutOfRangeException(nameof(branches), branches.Clones, "Clones must be ≥ 1.");
        if (!Enum.IsDefined(branches.Rule)) throw new ArgumentOutOfRangeException(nameof(branches), branches.Rule, "Unknown clone rule.");
        int lowest = branches.ResolvedRule(request) == CloneRule.ForwardKick ? 1 : 0;
        foreach (int k in branches.Indices)
            if (k < lowest || k > grid.Steps)
                throw new ArgumentOutOfRangeException(nameof(branches), k, $"Branch index must be in [{lowest}, {grid.Steps}]" +
                    (lowest == 1 ? " (the forward kick of a deterministic sampler's clones starts one step earlier)." : "."));
    }

    /// <summary>
    /// True when a fused step may overwrite the denoiser's output: same dtype and shape as the state, contiguous, and its memory
    /// disjoint from the state's (a denoiser may return a view of its input or a broadcast; those take the out-of-place step).
    /// </summary>
    private static bool Writable(Tensor denoised, Tensor state)
    {
        if (denoised.dtype != state.dtype || !denoised.shape.SequenceEqual(state.shape) || !denoised.is_contiguous() || !state.is_contiguous())
            return false;
        long bytes = state.numel() * state.element_size();
        var from = denoised.bytes;
        var to = state.bytes;
        long offset = (long)System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(from), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(to));
        return offset >= bytes || offset <= -bytes;
    }

    private static IProgress<long>? Offset(IProgress<long>? progress, long offset) => progress is null ? null : new OffsetProgress(progress, offset);

    private sealed class OffsetProgress(IProgress<long> target, long offset) : IProgress<long>
    {
        public void Report(long value) => target.Report(offset + value);
    }

    /// <summary>Keeps detached copies of the states at the branch indices.</summary>
    private sealed class StateKeeper(IReadOnlyList<int> indices) : IStepObserver, IDisposable
    {
        public Tensor?[] States { get; } = new Tensor?[indices.Count];

        public void OnStep(in StepRecord step)
        {
            for (int b = 0; b < indices.Count; b++)
                if (indices[b] == step.Index && States[b] is null) States[b] = step.X.detach().clone().DetachFromDisposeScope();
        }

        public void Dispose()
        {
            foreach (var s in States) s?.Dispose();
        }
    }

    private sealed class BothObservers(IStepObserver first, IStepObserver second) : IStepObserver
    {
        public void OnStep(in StepRecord step)
        {
            first.OnStep(step);
            second.OnStep(step);
        }
    }
}
