using System.Diagnostics;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Packing;

/// <summary>
/// Trains M free-form flows of the same shapes as one packed model (<see cref="PackedFreeFormFlow"/>): each step takes
/// every member's next batch ([M, B, D]), sums the members' FFF losses (so each member gets its standalone gradient)
/// and updates all of them with one <see cref="PackedAdam"/> step at their own learning rates. Members differ in β,
/// learning rate, weight decay, data (budget), seed and epochs; they share architecture, batch size and Hutchinson
/// count. Each member's randomness (shuffles, Hutchinson vectors) comes from its own generator in the same order as
/// in a standalone <see cref="FlowTrainer"/> run, so member m follows the trajectory of its standalone trial.
/// A member that finishes, fails (non-finite) or is stopped leaves the pack at the end of the step, and the pack
/// shrinks so it costs nothing more. Not thread-safe; run it on one dedicated thread.
/// </summary>
public sealed class PackedFlowTrainer : IDisposable
{
    private readonly IReadOnlyList<PackMember> _members;
    private readonly Device _device;
    private readonly int _batch;
    private readonly int _hutchinson;
    private List<PackMember> _slots = [];
    private PackedFreeFormFlow? _flow;
    private PackedAdam? _adam;
    private PackedData? _train;
    private PackedData? _validation;
    private Tensor? _beta;

    public PackedFlowTrainer(IReadOnlyList<PackMember> members)
    {
        if (members.Count == 0)
            throw new ArgumentException("A pack needs at least one member.");
        _members = members;
        var first = members[0];
        foreach (var m in members)
        {
            RequireSame(m.Options.Architecture, first.Options.Architecture, "architecture");
            RequireSame(m.Options.IdentityInit, first.Options.IdentityInit, "identityInit");
            RequireSame(m.Options.BatchSize, first.Options.BatchSize, "batch size");
            RequireSame(m.Options.HutchinsonSamples, first.Options.HutchinsonSamples, "Hutchinson vectors");
            RequireSame(m.Theta.shape[1], first.Theta.shape[1], "θ dimension");
            RequireSame(m.X.shape[1], first.X.shape[1], "condition dimension");
            RequireSame(m.Theta.device.ToString(), first.Theta.device.ToString(), "device");
        }
        _device = first.Theta.device;
        _batch = first.Options.BatchSize;
        _hutchinson = first.Options.HutchinsonSamples;
    }

    /// <summary>Members still training (the pack's current size).</summary>
    public int Active => _slots.Count;

    /// <summary>Told at the end of each phase of every step (<c>bench packing --profile</c>); null otherwise.</summary>
    internal Action<StepPhase>? PhaseEnded { get; set; }

    /// <summary>
    /// Trains until every member has finished, failed or been stopped. <paramref name="afterEpoch"/> runs on this thread
    /// after each epoch of a member (e.g. to checkpoint it with <see cref="SaveCheckpoint"/>). Afterwards each member's
    /// <see cref="PackMember.Flow"/> holds its final weights.
    /// </summary>
    public void Run(Action<PackMember, EpochProgress>? afterEpoch = null, CancellationToken cancellation = default)
    {
        Repack(_members.Where(m => m.IsTraining).ToList());
        while (_slots.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var ended = Step();
            if (ended.Count > 0)
                EndEpochs(ended, afterEpoch);
            if (_slots.Any(m => !m.IsTraining))
                Repack(_slots.Where(m => m.IsTraining).ToList());
        }
    }

    /// <summary>Writes member <paramref name="member"/>'s standalone checkpoint (call it from the epoch callback).</summary>
    public void SaveCheckpoint(PackMember member, Stream stream)
    {
        var slot = _slots.IndexOf(member);
        if (slot >= 0)
            CopyOut(slot);
        member.WriteCheckpoint(stream);
    }

    // One step of every member; returns the members whose epoch this step ended.
    private List<PackMember> Step()
    {
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var m = _slots.Count;
        var (index, weight, gaussians) = NextBatches();
        var rows = _train!.Gather(index, m, _batch);
        var theta = rows.Theta.requires_grad_(true);
        var vectors = FreeFormFlowLoss.OrthonormalColumns(stack(gaussians));
        PhaseEnded?.Invoke(StepPhase.Gather);
        _adam!.ZeroGrad();
        var (reconstruction, nll) = FreeFormFlowLoss.PerSample(_flow!, theta, rows.X, vectors);
        var perSample = reconstruction.mul(_beta!).add_(nll, PackScalars.One);
        var memberLoss = perSample.mul_(tensor(weight, [m, _batch], device: _device)).sum(-1);
        PhaseEnded?.Invoke(StepPhase.Loss);
        var losses = memberLoss.detach().cpu().data<float>().ToArray();
        PhaseEnded?.Invoke(StepPhase.LossValue);
        var finite = losses.Select(float.IsFinite).ToArray();
        var norms = new double[m];
        if (finite.Any(f => f))
        {
            var total = finite.All(f => f) ? memberLoss.sum() : memberLoss.mul(Mask(finite)).sum();
            total.backward();
            PhaseEnded?.Invoke(StepPhase.Backward);
            norms = GradientNorms(m);
        }
        var ok = finite.Zip(norms, (f, n) => f && double.IsFinite(n)).ToArray();
        PrepareGradients(ok, norms);
        PhaseEnded?.Invoke(StepPhase.GradientCheck);
        var updates = new PackedAdam.MemberUpdate[m];
        for (var k = 0; k < m; k++)
        {
            var member = _slots[k];
            var (learningRate, beta1) = member.Schedule.At(member.Updates);
            if (ok[k])
                member.Updates++;
            updates[k] = new(learningRate, beta1, member.Options.WeightDecay, member.Updates, ok[k]);
        }
        _adam.Update(updates);
        PhaseEnded?.Invoke(StepPhase.Update);
        return Account(losses, ok, clock.Elapsed.TotalSeconds);
    }

    // Each member's next batch: flat row indices into the packed data, loss weights (1/b for its b rows, 0 for padding
    // up to B) and its Hutchinson Gaussians, drawn from its generator exactly as a standalone step draws them.
    private (long[] Index, float[] Weight, Tensor[] Gaussians) NextBatches()
    {
        var m = _slots.Count;
        var index = new long[m * _batch];
        var weight = new float[m * _batch];
        var gaussians = new Tensor[m];
        var dim = _train!.Dim;
        for (var k = 0; k < m; k++)
        {
            var member = _slots[k];
            var n = member.Theta.shape[0];
            if (member.BatchInEpoch == 0)
            {
                using var order = randperm(n, generator: member.Rng);
                member.Order = order.data<long>().ToArray();
                (member.EpochLossSum, member.EpochCounted, member.EpochSeconds) = (0, 0, 0);
            }
            var start = (long)member.BatchInEpoch * _batch;
            var count = (int)Math.Min(_batch, n - start);
            for (var b = 0; b < _batch; b++)
            {
                index[k * _batch + b] = _train.Offset(k) + (b < count ? member.Order![start + b] : 0);
                weight[k * _batch + b] = b < count ? 1f / count : 0f;
            }
            var gaussian = randn([count, dim, _hutchinson], dtype: float32, device: _device, generator: member.Rng);
            // Padding rows get ones (finite, never normalised to NaN); their loss weight is zero.
            gaussians[k] = count == _batch ? gaussian : cat([gaussian, ones(_batch - count, dim, _hutchinson, device: _device)], 0);
        }
        return (index, weight, gaussians);
    }

    private Tensor Mask(bool[] keep) =>
        tensor(keep.Select(k => k ? 1f : 0f).ToArray(), device: _device);

    // Global gradient L2 norm of each member (over all its parameters), as the standalone trainer checks and clips it:
    // one batched dot product per parameter ([M, 1, n] · [M, n, 1]), no squared copy of the gradient.
    private double[] GradientNorms(int m)
    {
        using var scope = NewDisposeScope();
        var squares = _flow!.parameters().Select(p => p.grad).OfType<Tensor>()
            .Select(g => bmm(g.view(m, 1, -1), g.view(m, -1, 1)).view(m)).ToArray();
        return stack(squares).sum(dim: 0).cpu().data<float>().Select(s => Math.Sqrt(s)).ToArray();
    }

    // Zeroes the gradients of members that skip this step and scales those above the clip (per member, as clip_grad_norm_).
    private void PrepareGradients(bool[] ok, double[] norms)
    {
        var clip = _slots.Select(s => s.Options.GradientClip).ToArray();
        var factors = ok.Select((o, k) => !o ? 0.0 : clip[k] > 0 && norms[k] > clip[k] ? clip[k] / (norms[k] + 1e-6) : 1.0).ToArray();
        if (factors.All(f => f == 1.0))
            return;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var f = tensor(factors.Select(x => (float)x).ToArray(), [factors.Length, 1, 1], device: _device);
        var skip = tensor(ok.Select(o => !o).ToArray(), [ok.Length, 1, 1], device: _device);
        foreach (var p in _flow!.parameters())
            if (p.grad is { } g)
                g.masked_fill_(skip, PackScalars.Zero).mul_(f); // 0 · NaN is NaN: a skipped member's gradient is zeroed, not scaled
    }

    // Per-member bookkeeping of a step, as FlowTrainer does for one trial; returns the members whose epoch ended.
    private List<PackMember> Account(float[] losses, bool[] ok, double stepSeconds)
    {
        var ended = new List<PackMember>();
        for (var k = 0; k < _slots.Count; k++)
        {
            var member = _slots[k];
            member.EpochSeconds += stepSeconds;
            if (ok[k])
            {
                member.EpochLossSum += losses[k];
                member.EpochCounted++;
                member.ConsecutiveNonFinite = 0;
            }
            else
            {
                member.SkippedBatches++;
                if (++member.ConsecutiveNonFinite >= member.Options.MaxConsecutiveNonFinite)
                {
                    member.Fail($"Loss or gradient was not finite in {member.ConsecutiveNonFinite} consecutive batches (epoch {member.EpochsDone + 1}, " +
                        $"{member.SkippedBatches} skipped in all); try a larger β or a smaller learning rate.");
                    continue;
                }
            }
            if (++member.BatchInEpoch < member.BatchesPerEpoch)
                continue;
            member.BatchInEpoch = 0;
            if (member.EpochCounted == 0)
            {
                member.Fail($"Every batch of epoch {member.EpochsDone + 1} had a non-finite loss or gradient; try a larger β or a smaller learning rate.");
                continue;
            }
            member.EpochsDone++;
            ended.Add(member);
        }
        return ended;
    }

    // Validation (exact NLL, reconstruction) of the whole pack in one pass; reported for the members whose epoch ended.
    private void EndEpochs(List<PackMember> ended, Action<PackMember, EpochProgress>? afterEpoch)
    {
        var (nll, reconstruction) = Validate();
        foreach (var member in ended)
        {
            var k = _slots.IndexOf(member);
            var progress = new EpochProgress(member.EpochsDone, member.Options.Epochs, member.EpochLossSum / member.EpochCounted,
                nll[k], reconstruction[k], member.Schedule.At(Math.Max(0, member.Updates - 1)).LearningRate,
                member.EpochSeconds / member.BatchesPerEpoch, member.SkippedBatches);
            member.AddEpoch(progress);
            afterEpoch?.Invoke(member, progress);
        }
    }

    /// <summary>Exact validation NLL (encoder version) and reconstruction error of every slot, standardized units.</summary>
    private (double[] Nll, double[] Reconstruction) Validate()
    {
        var m = _slots.Count;
        var nll = new double[m];
        var reconstruction = new double[m];
        var val = _validation!;
        const int chunk = 2048;
        for (long start = 0; start < val.Rows; start += chunk)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(chunk, val.Rows - start);
            var (theta, x) = val.Slice(start, length);
            var mask = val.RowMask(start, length);
            var chunkNll = (-ExactLikelihood.EncoderLogProb(_flow!, theta, x)).mul_(mask).sum(-1).cpu().data<double>().ToArray();
            var chunkReconstruction = ExactLikelihood.Reconstruction(_flow!, theta, x).to(float64).mul_(mask).sum(-1).cpu().data<double>().ToArray();
            for (var k = 0; k < m; k++)
                (nll[k], reconstruction[k]) = (nll[k] + chunkNll[k], reconstruction[k] + chunkReconstruction[k]);
        }
        for (var k = 0; k < m; k++)
        {
            var n = _slots[k].ValTheta.shape[0];
            (nll[k], reconstruction[k]) = n == 0 ? (double.NaN, double.NaN) : (nll[k] / n, reconstruction[k] / n);
        }
        return (nll, reconstruction);
    }

    // Builds the pack of these members (their weights, moments and data); members leaving the pack get their weights
    // and moments back first. A pack only ever shrinks, so this is cheap next to training.
    private void Repack(List<PackMember> staying)
    {
        for (var k = 0; k < _slots.Count; k++)
            if (!staying.Contains(_slots[k]))
                CopyOut(k);
        var previous = _slots;
        _slots = staying;
        if (staying.Count == 0)
        {
            DisposePack();
            return;
        }
        if (_flow is null)
        {
            var first = staying[0].Options;
            _flow = PackedFreeFormFlow.Pack(staying.Select(s => s.Flow).ToList(), first.Architecture, (int)staying[0].X.shape[1], first.IdentityInit);
            _adam = new PackedAdam(_flow.parameters());
            _adam.LoadMembers(staying.Select(s => s.Optimizer).ToList());
        }
        else
        {
            using var rows = tensor(staying.Select(s => (long)previous.IndexOf(s)).ToArray(), device: _device);
            var kept = _flow.Keep(rows);
            _adam!.Keep(rows, kept.parameters());
            _flow.Dispose();
            _flow = kept;
        }
        _flow.train();
        _train?.Dispose();
        _validation?.Dispose();
        _beta?.Dispose();
        _train = new PackedData(staying.Select(s => (s.Theta, s.X)).ToList());
        _validation = new PackedData(staying.Select(s => (s.ValTheta, s.ValX)).ToList());
        _beta = tensor(staying.Select(s => (float)s.Options.Beta).ToArray(), [staying.Count, 1], device: _device).DetachFromDisposeScope();
    }

    private void CopyOut(int slot)
    {
        var member = _slots[slot];
        _flow!.CopyTo(slot, member.Flow);
        _adam!.CopyTo(slot, member.Optimizer, member.Updates);
    }

    private void DisposePack()
    {
        _flow?.Dispose();
        _adam?.Dispose();
        _train?.Dispose();
        _validation?.Dispose();
        _beta?.Dispose();
        (_flow, _adam, _train, _validation, _beta) = (null, null, null, null, null);
    }

    private static void RequireSame<T>(T value, T expected, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(value, expected))
            throw new ArgumentException($"Members of a pack must share the {what} (got {value} and {expected}).");
    }

    public void Dispose() => DisposePack();
}
