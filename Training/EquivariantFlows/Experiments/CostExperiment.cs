using System.Diagnostics;
using Orchestrator.Training.Boltzmann;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.EquivariantFlows.Experiments;

/// <summary>
/// Cost of both generators on DW4 after a short ML training (the CNF's adaptive step count depends on the trained
/// field): milliseconds per sample and per NLL evaluation with fixed-step RK4 and with adaptive Dormand–Prince, the
/// accepted DP steps, and how far the RK4 NLL is from the DP one. With <see cref="Options.IncludeFff"/>, the E(n)-FFF
/// Boltzmann generator of the same system at the FFF paper's size (untrained: its cost does not depend on the weights)
/// is timed beside them: raw generation (one decoder pass) and the exact NLL (N·D reverse passes).
/// </summary>
public static class CostExperiment
{
    public sealed record Options
    {
        public int TrainSize { get; init; } = 1000;

        public int TrainEpochs { get; init; } = 10;

        /// <summary>Samples and NLL evaluations timed (one batch).</summary>
        public int Count { get; init; } = 1000;

        public GeneratorArchitecture Architecture { get; init; } = new();

        public IReadOnlyList<string> Models { get; init; } = GeneratorKinds.Names;

        public ulong Seed { get; init; } = 1;

        /// <summary>Also time the E(n)-FFF generator (spec §4 size for DW4: 20 blocks, hidden 64).</summary>
        public bool IncludeFff { get; init; } = true;
    }

    public const string Fff = "fff";

    /// <summary>Wall and CPU milliseconds per configuration (CPU time is the fairer number on a shared machine).</summary>
    public sealed record Timing(double WallMs, double CpuMs)
    {
        public override string ToString() => $"{WallMs:F3} / {CpuMs:F3}";
    }

    /// <summary>Times per configuration; DP steps are NaN for the RealNVP (it has no ODE).</summary>
    public sealed record Row(string Model, long Parameters, Timing SampleRk4, Timing SampleAdaptive, Timing NllRk4, Timing NllAdaptive,
        double SampleSteps, double NllSteps, double MaxNllDifference);

    public static IReadOnlyList<Row> Run(Options options, Action<string>? log = null)
    {
        var system = new DoubleWell4();
        using var train = BoltzmannData.Load(system, "train", limit: options.TrainSize).to(float64);
        using var test = BoltzmannData.Load(system, "test", limit: options.Count).to(float64);
        var rows = new List<Row>();
        foreach (var kind in options.Models)
        {
            using var rng = new Generator(options.Seed);
            using var model = GeneratorKinds.Create(kind, system, options.Architecture, rng);
            using (var trainer = new GeneratorTrainer(model, system, train, new GeneratorTrainingOptions { MlEpochs = options.TrainEpochs, MixEpochs = 0 }, rng))
                trainer.Run(e => log?.Invoke($"{kind} epoch {e.Epoch}/{options.TrainEpochs} NLL {e.Nll:F3} ({e.Seconds:F1} s)"));
            using var _ = no_grad();
            using var z = model.SamplePrior(options.Count, rng);
            var steps = new Dictionary<string, double>();
            // Warm-up: the first call of each path pays for one-off allocations.
            using (var warm = model.SamplePrior(8, rng))
            {
                model.Generate(warm, adaptive: false).X.Dispose();
                model.NegativeLogLikelihood(warm, adaptive: false).Dispose();
            }
            Timing Time(string name, Func<(Tensor, Tensor)> run)
            {
                var timing = Measure(() =>
                {
                    var (a, b) = run();
                    a.Dispose();
                    b.Dispose();
                }, options.Count);
                steps[name] = (model as EquivariantCnf)?.LastAdaptiveSteps ?? double.NaN;
                return timing;
            }
            Tensor nllRk4 = null!, nllAdaptive = null!;
            var sampleRk4 = Time("sample-rk4", () => model.Generate(z, adaptive: false));
            var sampleAdaptive = Time("sample", () => model.Generate(z, adaptive: true));
            var nllMsRk4 = Time("nll-rk4", () => { nllRk4 = model.NegativeLogLikelihood(test, adaptive: false); return (nllRk4.alias(), empty(0)); });
            var nllMsAdaptive = Time("nll", () => { nllAdaptive = model.NegativeLogLikelihood(test, adaptive: true); return (nllAdaptive.alias(), empty(0)); });
            var difference = (nllRk4 - nllAdaptive).abs().max().ToDouble();
            nllRk4.Dispose();
            nllAdaptive.Dispose();
            rows.Add(new Row(kind, model.ParameterCount, sampleRk4, sampleAdaptive, nllMsRk4, nllMsAdaptive, steps["sample"], steps["nll"], difference));
            log?.Invoke($"{kind}: sample {sampleRk4} | {sampleAdaptive} ms, NLL {nllMsRk4} | {nllMsAdaptive} ms (RK4 | DP; wall / CPU)");
        }
        if (options.IncludeFff)
            rows.Add(TimeFff(system, test, options, log));
        return rows;
    }

    private static Row TimeFff(IParticleSystem system, Tensor test, Options options, Action<string>? log)
    {
        var paper = BoltzmannConfig.Paper(system.Name);
        using var rng = new Generator(options.Seed);
        using var generator = new BoltzmannGenerator(system, paper.Blocks, paper.Hidden);
        using var x = test.to(ScalarType.Float32);
        generator.Sample(8, rng).Dispose();
        generator.UnnormalisedNll(x[..8]).Dispose();
        var sample = Measure(() => generator.Sample(options.Count, rng).Dispose(), options.Count);
        var nll = Measure(() => generator.UnnormalisedNll(x).Dispose(), options.Count);
        var none = new Timing(double.NaN, double.NaN);
        log?.Invoke($"{Fff}: sample {sample} ms, NLL {nll} ms (wall / CPU)");
        return new Row(Fff, generator.Flow.parameters().Sum(p => p.numel()), sample, none, nll, none, double.NaN, double.NaN, double.NaN);
    }

    private static Timing Measure(Action run, int count)
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        run();
        var wall = clock.Elapsed.TotalMilliseconds / count;
        process.Refresh();
        return new Timing(wall, (process.TotalProcessorTime - cpu).TotalMilliseconds / count);
    }
}
