using System.Runtime.InteropServices;
using Orchestrator.Training.Flows;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Training.Benchmarks;

/// <summary>
/// Where the standalone step's time goes: the CPU time of this thread in each <see cref="StepPhase"/>, per step, over an
/// epoch after a warm-up epoch (the setup of <see cref="StepBenchmark.OurStep"/>). With one intra-op thread libtorch
/// computes on the calling thread, so its CPU time is the step's; with more, the other threads' work is not counted.
/// </summary>
public static class StepProfile
{
    public static IReadOnlyDictionary<StepPhase, double> OurPhases(int batch, int steps, int dim = 2, int conditionDim = 2)
    {
        FreeFormFlow flow;
        lock (BenchmarkInit.Lock)
        {
            manual_seed(1);
            flow = FreeFormFlow.Create(Architectures.Reference, dim, conditionDim, identityInit: false);
        }
        using (flow)
        {
            using var scope = NewDisposeScope();
            using var rng = new Generator(2);
            var n = (long)batch * steps;
            var theta = randn([n, dim], generator: rng);
            var x = randn([n, conditionDim], generator: rng);
            using var trainRng = new Generator(3);
            using var trainer = new FlowTrainer(flow, theta, x, theta[..0], x[..0], new TrainingOptions { BatchSize = batch, Epochs = 2 }, trainRng);
            var seconds = Enum.GetValues<StepPhase>().ToDictionary(p => p, _ => 0.0);
            var timing = false;
            var last = ThreadCpuSeconds();
            trainer.PhaseEnded = phase =>
            {
                var now = ThreadCpuSeconds();
                if (timing)
                    seconds[phase] += now - last;
                last = now;
            };
            trainer.Run(p => timing = p.Epoch == 1);
            return seconds.ToDictionary(p => p.Key, p => p.Value / steps);
        }
    }

    // CLOCK_THREAD_CPUTIME_ID: this thread's CPU time, a cheap system call (no /proc read per phase).
    internal static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
            return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        ClockGetTime(3, out var time);
        return time.Seconds + time.Nanoseconds * 1e-9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
