using System.CommandLine;
using System.Text.Json;
using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.Trials;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench bg</c>: trains an E(n)-FFF Boltzmann generator on one system (the paper's settings unless
/// overridden) and prints test NLL, ESS and sampling time next to the FFF paper's Table 1.
/// </summary>
public static class BenchBgCommand
{
    public static Command Create()
    {
        var system = new Option<string>("--system") { Description = "dw4, lj13 or lj55", DefaultValueFactory = _ => "dw4" };
        var blocks = new Option<int?>("--blocks") { Description = "equivariant blocks (default: the paper's, 20 for DW4, 8 for LJ)" };
        var hidden = new Option<int?>("--hidden") { Description = "hidden width (default 64)" };
        var beta = new Option<double?>("--beta") { Description = "reconstruction weight β (default: the paper's, 10 / 200 / 500)" };
        var lr = new Option<double?>("--lr") { Description = "peak learning rate (default 1e-3)" };
        var batch = new Option<int?>("--batch-size") { Description = "batch size (default: the paper's, 256 / 256 / 56)" };
        var epochs = new Option<int?>("--epochs") { Description = "epochs (default: the paper's, 50 / 400 / 400)" };
        var clip = new Option<double?>("--clip") { Description = "gradient-norm clip (default: the paper's, 1 / 1 / 0.1)" };
        var trainSize = new Option<int?>("--train-size") { Description = "training rows (default 100000)" };
        var valSize = new Option<int?>("--val-size") { Description = "validation rows for the per-epoch NLL (default 1000)" };
        var testSize = new Option<int?>("--test-size") { Description = "test rows for the final NLL (default 10000)" };
        var samples = new Option<int?>("--samples") { Description = "samples for ESS, energies and timing (default 10000)" };
        var seed = new Option<long>("--seed") { Description = "seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads", DefaultValueFactory = _ => 1 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "also write the result as JSON to this file" };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "checkpoint file: resume from it if present, save it after every epoch" };
        var timeLimit = new Option<double?>("--time-limit") { Description = "minutes of training after which to stop at the next epoch end (needs --checkpoint; rerun to continue)" };

        var command = new Command("bg", "Train an E(n)-FFF Boltzmann generator and compare test NLL, ESS and sampling time with the FFF paper's Table 1.")
        {
            system, blocks, hidden, beta, lr, batch, epochs, clip, trainSize, valSize, testSize, samples, seed, threads, device, output,
            checkpoint, timeLimit,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var paper = BoltzmannConfig.Paper(parse.GetValue(system)!);
            var config = paper with
            {
                Blocks = parse.GetValue(blocks) ?? paper.Blocks, Hidden = parse.GetValue(hidden) ?? paper.Hidden,
                Beta = parse.GetValue(beta) ?? paper.Beta, LearningRate = parse.GetValue(lr) ?? paper.LearningRate,
                BatchSize = parse.GetValue(batch) ?? paper.BatchSize, Epochs = parse.GetValue(epochs) ?? paper.Epochs,
                GradientClip = parse.GetValue(clip) ?? paper.GradientClip, TrainSize = parse.GetValue(trainSize) ?? paper.TrainSize,
                ValidationSize = parse.GetValue(valSize) ?? paper.ValidationSize, TestSize = parse.GetValue(testSize) ?? paper.TestSize,
                Samples = parse.GetValue(samples) ?? paper.Samples, Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads), Device = parse.GetValue(device)!,
            };
            config.Validate();
            var store = parse.GetValue(checkpoint) is { } file ? new FileCheckpointStore(file) : null;
            var limit = parse.GetValue(timeLimit) is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
            if (limit is not null && store is null)
                throw new ArgumentException("--time-limit needs --checkpoint (the run continues from it).");
            Console.WriteLine($"{config.System}: {config.Blocks} blocks × {config.Hidden}, β {config.Beta:G}, lr {config.LearningRate:G}, " +
                $"batch {config.BatchSize}, {config.Epochs} epochs, clip {config.GradientClip:G}, {config.TrainSize} training rows, {config.Device}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var lastEpoch = 0;
            // Process CPU time per step as well as wall time: on a shared machine the wall clock mostly measures the load.
            var process = System.Diagnostics.Process.GetCurrentProcess();
            var stepsPerEpoch = (config.TrainSize + config.BatchSize - 1) / config.BatchSize;
            var cpuAtLastEpoch = process.TotalProcessorTime;
            BoltzmannResult result;
            try
            {
                result = BoltzmannTrialRunner.Run(config, progress =>
                {
                    if (progress is TrialProgress.Resumed r)
                        Console.WriteLine($"resumed from {store!.Path} after epoch {r.EpochsDone}");
                    if (progress is not TrialProgress.Epoch { Progress: var e })
                        return;
                    process.Refresh();
                    var cpuMsPerStep = (process.TotalProcessorTime - cpuAtLastEpoch).TotalMilliseconds / stepsPerEpoch;
                    cpuAtLastEpoch = process.TotalProcessorTime;
                    Console.WriteLine($"epoch {e.Epoch}/{e.Epochs}: val NLL {e.ValidationNll:F3} (unnormalised), reconstruction {e.ValidationReconstruction:E2}, " +
                        $"{e.StepSeconds * 1000:F0} ms/step (CPU {cpuMsPerStep:F0} ms/step incl. validation), lr {e.LearningRate:G3}");
                    lastEpoch = e.Epoch;
                    // The checkpoint of this epoch is saved before progress is reported: stopping here loses nothing.
                    if (limit is { } l && clock.Elapsed >= l && e.Epoch < e.Epochs)
                        stop.Cancel();
                }, store, checkpointEvery: 1, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                Console.WriteLine($"time limit reached after epoch {lastEpoch} of {config.Epochs}; checkpoint {store!.Path}; rerun the same command to continue.");
                return 0;
            }
            Print(result);
            if (parse.GetValue(output) is { } path)
                File.WriteAllText(path, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
            return 0;
        }));
        return command;
    }

    private static void Print(BoltzmannResult r)
    {
        var published = PublishedBoltzmann.For(r.Config.System);
        var hardware = r.Config.Device == "cpu" ? $"CPU, {r.Config.Threads} thread(s) of {Environment.ProcessorCount} cores" : r.Config.Device;
        var table = new Table().Title($"E(n)-FFF Boltzmann generator, {r.Config.System.ToUpperInvariant()} ({hardware}, {r.History.Count} epochs, {r.TrainingSeconds:F0} s)");
        table.AddColumn("");
        table.AddColumn(new TableColumn("ours").RightAligned());
        table.AddColumn(new TableColumn("FFF paper").RightAligned());
        table.AddColumn(new TableColumn("E-NF").RightAligned());
        table.AddColumn(new TableColumn("E-OT-FM").RightAligned());
        string Value(double? v) => v is { } x ? $"{x:F2}" : "—";
        table.AddRow("test NLL (unnormalised)", $"{r.TestNll:F3}", Value(published.FffNll), Value(published.EnfNll), Value(published.EOtFmNll));
        table.AddRow("test NLL (normalised)", $"{r.TestNllNormalised:F3}", "", "", "");
        if (ParticleSystems.Get(r.Config.System) is DoubleWell4 dw4)
        {
            // The floor: the exact NLL of the same test rows under exp(−U)/Z, Z by importance sampling (a few seconds).
            var reference = EquilibriumReference.Compute(dw4, 4_000_000, sigma: 2.2, seed: 1);
            table.AddRow("exact NLL of these test rows (floor)", $"{reference.UnnormalisedNll(r.DataEnergyMean, dw4):F3} ± {reference.LogZ.StandardError:F3}", "", "", "");
        }
        table.AddRow("target (this issue)", Value(PublishedBoltzmann.Target(r.Config.System)), "", "", "");
        table.AddRow("ESS / n", $"{r.RelativeEss:F4}", "", "", "");
        table.AddRow("sampling ms / sample", $"{r.SamplingMsPerSample:F4}", $"{published.FffMsPerSample:G} (A40/A100)", "", "");
        table.AddRow("energy mean: samples / data", $"{r.SampleEnergyMean:F2} / {r.DataEnergyMean:F2}", "", "", "");
        table.AddRow("energy histogram total variation", $"{r.Energies.TotalVariation:F3}", "", "", "");
        table.AddRow("reconstruction ‖x − g(f(x))‖²", $"{r.TestReconstruction:E2}", "", "", "");
        table.AddRow("ms / training step", $"{r.StepSeconds * 1000:F0}", "", "", "");
        AnsiConsole.Write(table);
    }
}
