using Orchestrator.Training.Data;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Sbi;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// Draws posterior samples θ ~ q(θ | x_o) from a trained flow, in original units, rejecting samples outside the
/// prior's support as NPE does (the prior density is zero there). Falls back to unfiltered samples for what is
/// still missing after a bounded number of rounds, so a badly leaking flow is judged rather than stalled.
/// </summary>
public static class PosteriorSampler
{
    private const int MaxRounds = 50;

    public static (Tensor Samples, double AcceptanceRate) Sample(
        FreeFormFlow flow, ISbiTask task, Tensor observation, Standardizer thetaScale, Standardizer xScale,
        int count, Device device, Generator rng)
    {
        using var scope = NewDisposeScope();
        var c = xScale.Forward(observation.to(float64)).to(float32).to(device).expand(count, -1);
        var accepted = new List<Tensor>();
        Tensor? lastRaw = null;
        long have = 0, drawn = 0;
        for (var round = 0; round < MaxRounds && have < count; round++)
        {
            var raw = thetaScale.Inverse(flow.Sample(c, rng).to(float64).cpu());
            var inside = task.InPriorSupport(raw) & isfinite(raw).all(1);
            var kept = raw[inside];
            drawn += count;
            have += kept.shape[0];
            accepted.Add(kept);
            lastRaw = raw;
        }
        var samples = cat(accepted, 0);
        if (have < count)
            samples = cat([samples, lastRaw![TensorIndex.Slice(0, count - have)]], 0);
        var acceptance = (double)Math.Min(have, drawn) / drawn;
        return (samples[TensorIndex.Slice(0, count)].MoveToOuterDisposeScope(), acceptance);
    }
}
