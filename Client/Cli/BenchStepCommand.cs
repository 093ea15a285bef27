using System.CommandLine;
using Orchestrator.Training.Benchmarks;
using Orchestrator.Training.Optimization;
using Spectre.Console;
using static TorchSharp.torch;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench step</c>: our standalone FFF training step against the same model, loss and optimizer in
/// PyTorch (tools/bench/fff_step.py with Debian's python3-torch) at the same batch sizes and thread count.
/// </summary>
public static class BenchStepCommand
{
    public static Command Create()
    {
        var batches = ListParsing.ListOption("--batch-sizes", "batch sizes", new[] { 32, 128, 1024 });
        var threads = new Option<int>("--threads") { Description = "intra-op threads, both sides", DefaultValueFactory = _ => 2 };
        var steps = new Option<int>("--steps") { Description = "timed steps per side and batch size (after as many warm-up steps; fewer than a few hundred measure .NET start-up, not the step)", DefaultValueFactory = _ => 300 };
        var python = new Option<string>("--python") { Description = "interpreter with python3-torch", DefaultValueFactory = _ => PyTorchStep.DefaultPython };
        var profile = new Option<bool>("--profile") { Description = "also the CPU ms of each phase of the step, ours and PyTorch's (meaningful at --threads 1)" };
        var command = new Command("step", "Our FFF training step vs the same step in PyTorch (tools/bench/fff_step.py), same threads.")
        {
            batches, threads, steps, python, profile,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var threadCount = parse.GetValue(threads);
            set_num_threads(threadCount);
            Console.WriteLine($"before: {BenchLoad.Describe()}");
            var table = new Table().Title($"FFF training step, reference SBI net (D = 2, C = 2), CPU, {threadCount} thread(s): ms per step, wall and process CPU");
            foreach (var column in new[] { "batch", "ours wall", "PyTorch wall", "ratio wall", "ours CPU", "PyTorch CPU", "ratio CPU" })
                table.AddColumn(new TableColumn(column).RightAligned());
            PyTorchStepResult? last = null;
            foreach (var batch in parse.GetList(batches))
            {
                var ours = StepBenchmark.OurStep(batch, parse.GetValue(steps), CPU);
                var torch = PyTorchStep.Run(batch, threadCount, parse.GetValue(steps), python: parse.GetValue(python)!, profile: parse.GetValue(profile));
                if (parse.GetValue(profile))
                    PrintPhases(batch, StepProfile.OurPhases(batch, parse.GetValue(steps)), torch.PhasesMs!);
                last = torch;
                Console.WriteLine($"batch {batch}: ours {Ms(ours.WallSeconds)} ms wall, {Ms(ours.CpuSeconds)} ms CPU; " +
                    $"PyTorch {Ms(torch.Step.WallSeconds)} ms wall, {Ms(torch.Step.CpuSeconds)} ms CPU");
                table.AddRow(batch.ToString(), Ms(ours.WallSeconds), Ms(torch.Step.WallSeconds), $"{ours.WallSeconds / torch.Step.WallSeconds:F2}×",
                    Ms(ours.CpuSeconds), Ms(torch.Step.CpuSeconds), $"{ours.CpuSeconds / torch.Step.CpuSeconds:F2}×");
            }
            AnsiConsole.Write(table);
            if (last is not null)
                Console.WriteLine($"PyTorch {last.TorchVersion} (Debian python3-torch), {last.Threads} thread(s), BLAS: {last.Blas}");
            Console.WriteLine($"after: {BenchLoad.Describe()}");
            return 0;
        }));
        return command;
    }

    private static string Ms(double seconds) => (seconds * 1e3).ToString("F2");

    // Where each side's step time goes, phase by phase (this thread's CPU time; PyTorch's process CPU time).
    private static void PrintPhases(int batch, IReadOnlyDictionary<StepPhase, double> ours, IReadOnlyDictionary<string, double> torchMs)
    {
        var table = new Table().Title($"batch {batch}: CPU ms per step by phase");
        foreach (var column in new[] { "phase", "ours", "PyTorch", "ratio" })
            table.AddColumn(new TableColumn(column).RightAligned());
        string[] names = ["gather", "loss", "loss_value", "backward", "gradient check", "update"];
        foreach (var (phase, name) in Enum.GetValues<StepPhase>().Zip(names))
        {
            var mine = ours[phase] * 1e3;
            var theirs = torchMs.TryGetValue(name, out var t) ? t : 0; // PyTorch's script has no gradient check
            table.AddRow(name, mine.ToString("F2"), theirs.ToString("F2"), theirs > 0 ? $"{mine / theirs:F2}×" : "–");
        }
        table.AddRow("total", (ours.Values.Sum() * 1e3).ToString("F2"), torchMs.Values.Sum().ToString("F2"), $"{ours.Values.Sum() * 1e3 / torchMs.Values.Sum():F2}×");
        AnsiConsole.Write(table);
    }
}
