using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Packing;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Benchmarks;

/// <summary>
/// Model-steps per second of a pack of K flows (the reference SBI net by default) (<see cref="PackedFlowTrainer"/>) next to the standalone
/// trainer's (<see cref="StepBenchmark"/>): K sequential standalone trials take K standalone steps for K model-steps.
/// </summary>
public static class PackingBenchmark
{
    /// <summary>Seconds per packed step of K members: a warm-up epoch of <paramref name="steps"/> steps, then a timed one.</summary>
    /// <param name="phases">When given, filled with this thread's CPU seconds per step in each <see cref="StepPhase"/> of
    /// the timed epoch (with one intra-op thread, the step's CPU time: <c>bench packing --profile</c>).</param>
    public static StepTiming PackedStep(int members, string architecture, int batch, int steps, Device device, int dim = 2, int conditionDim = 2,
        IDictionary<StepPhase, double>? phases = null)
    {
        var options = new TrainingOptions { Architecture = architecture, BatchSize = batch, Epochs = 2 };
        var flows = new List<FreeFormFlow>();
        lock (BenchmarkInit.Lock)
        {
            for (var k = 0; k < members; k++)
            {
                manual_seed(k);
                flows.Add(FreeFormFlow.Create(architecture, dim, conditionDim, identityInit: false));
            }
        }
        flows.ForEach(f => f.to(device));
        var generators = Enumerable.Range(0, members).Select(k => new Generator((ulong)(1000 + k), device)).ToList();
        try
        {
            using var scope = NewDisposeScope();
            var n = (long)batch * steps;
            var pack = flows.Select((flow, k) =>
            {
                using var data = new Generator((ulong)k);
                var theta = randn([n, dim], generator: data).to(device);
                var x = randn([n, conditionDim], generator: data).to(device);
                return new PackMember(flow, theta, x, theta[..0], x[..0], options, generators[k]);
            }).ToList();
            using var trainer = new PackedFlowTrainer(pack);
            var timing = new StepTiming.Clock();
            var started = false;
            if (phases is not null)
            {
                var last = StepProfile.ThreadCpuSeconds();
                trainer.PhaseEnded = phase =>
                {
                    var now = StepProfile.ThreadCpuSeconds();
                    if (started)
                        phases[phase] = (phases.TryGetValue(phase, out var sum) ? sum : 0) + (now - last) / steps;
                    last = now;
                };
            }
            trainer.Run((_, p) =>
            {
                // Members move in lock-step: the first member to end epoch 1 marks the end of the warm-up.
                if (p.Epoch == 1 && !started)
                {
                    started = true;
                    timing.Start();
                }
            });
            var result = timing.Stop(steps);
            pack.ForEach(m => m.Dispose());
            return result;
        }
        finally
        {
            flows.ForEach(f => f.Dispose());
            generators.ForEach(g => g.Dispose());
        }
    }
}
