using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Benchmarks;

/// <summary>
/// Seconds per training step of the standalone trainer (<see cref="FlowTrainer"/>): the FFF reference SBI net (D = 2,
/// C = 2, as two_moons) with the FFF loss, Adam + L2 and the one-cycle schedule, a shuffled batch gathered per step.
/// </summary>
public static class StepBenchmark
{
    /// <summary>Runs a warm-up epoch of <paramref name="steps"/> steps, then times an epoch of as many (wall and process CPU).</summary>
    public static StepTiming OurStep(int batch, int steps, Device device, string architecture = Architectures.Reference, int dim = 2, int conditionDim = 2)
    {
        FreeFormFlow flow;
        lock (BenchmarkInit.Lock)
        {
            manual_seed(1);
            flow = FreeFormFlow.Create(architecture, dim, conditionDim, identityInit: false);
        }
        using (flow)
        {
            flow.to(device);
            using var scope = NewDisposeScope();
            using var rng = new Generator(2);
            var n = (long)batch * steps;
            var theta = randn([n, dim], generator: rng).to(device);
            var x = randn([n, conditionDim], generator: rng).to(device);
            var options = new TrainingOptions { Architecture = architecture, BatchSize = batch, Epochs = 2 };
            using var trainRng = new Generator(3, device);
            using var trainer = new FlowTrainer(flow, theta, x, theta[..0], x[..0], options, trainRng);
            var timing = new StepTiming.Clock();
            trainer.Run(p =>
            {
                if (p.Epoch == 1)
                    timing.Start();
            });
            return timing.Stop(steps);
        }
    }
}

/// <summary>
/// Seconds per step, wall and CPU (all threads of this process). On a shared machine CPU time is far less sensitive to
/// other load than wall time, so ratios are given for both.
/// </summary>
public sealed record StepTiming(double WallSeconds, double CpuSeconds)
{
    /// <summary>Measures from <see cref="Start"/> to <see cref="Stop"/>.</summary>
    public sealed class Clock
    {
        private readonly System.Diagnostics.Stopwatch _wall = new();
        private TimeSpan _cpu;

        public void Start()
        {
            _cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            _wall.Restart();
        }

        public StepTiming Stop(int steps) =>
            new(_wall.Elapsed.TotalSeconds / steps, (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds / steps);
    }
}

/// <summary>Benchmarks seed TorchSharp's process-wide generator before building models; one at a time.</summary>
internal static class BenchmarkInit
{
    public static readonly Lock Lock = new();
}
