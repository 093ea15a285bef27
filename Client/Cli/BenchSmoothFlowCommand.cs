using System.CommandLine;
using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using Spectre.Console;
using static TorchSharp.torch;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench smooth-flow toys|inversion</c>: smooth (bump-mixture) vs rational-quadratic spline coupling
/// flows on the 2-D ring toys, and the cost of the smooth flow's bisection inverse against the spline's analytic one.
/// </summary>
public static class BenchSmoothFlowCommand
{
    public static Command Create() => new("smooth-flow", "Smooth normalizing flows vs RQ splines: toy densities, forces, NVE drift; inversion cost")
    {
        Toys(),
        Inversion(),
    };

    private static Command Toys()
    {
        var toys = ListParsing.ListOption("--toys", "toy densities: rings (on [0,1]²) and/or periodic (on the torus)", new[] { "rings", "periodic" });
        var iterations = new Option<int>("--iterations") { Description = "Adam iterations per flow (spec: 8000)", DefaultValueFactory = _ => 1500 };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate (spec: 5e-4 for 8000 iterations)", DefaultValueFactory = _ => 1e-3 };
        var batch = new Option<int>("--batch") { Description = "batch size", DefaultValueFactory = _ => 1000 };
        var components = new Option<int>("--components") { Description = "bump components K / spline bins", DefaultValueFactory = _ => 40 };
        var hidden = new Option<int>("--hidden") { Description = "conditioner hidden width (two layers)", DefaultValueFactory = _ => 100 };
        var fm = new Option<double>("--fm-weight") { Description = "force-matching weight ω_f (NLL weight 1) for both flows", DefaultValueFactory = _ => 0 };
        var grid = new Option<int>("--walkers-grid") { Description = "Metropolis walkers on a side × side grid (spec: 100 → 100,000 samples)", DefaultValueFactory = _ => 100 };
        var nveSteps = new Option<int>("--nve-steps") { Description = "velocity-Verlet steps of the NVE run (Δt = 2e-4)", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "seed of data, initialisation and batches", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "folder for the PNG plots", DefaultValueFactory = _ => "runs/smooth-flow" };
        var command = new Command("toys", "Train smooth and spline flows on the ring toys (NLL, optional force matching); held-out NLL, force RMSE, force jumps, round trip, NVE energy drift; PNG plots.")
        {
            toys, iterations, rate, batch, components, hidden, fm, grid, nveSteps, seed, threads, output,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            set_num_threads(parse.GetValue(threads));
            var training = new ToyTrainingOptions(parse.GetValue(iterations), parse.GetValue(batch), parse.GetValue(rate), new LossWeights(1, 0, parse.GetValue(fm)));
            var rows = new List<ToyExperimentResult>();
            foreach (var toy in parse.GetList(toys))
            {
                var periodic = toy switch
                {
                    "rings" => false,
                    "periodic" => true,
                    _ => throw new ArgumentException($"Unknown toy '{toy}' (rings, periodic)."),
                };
                using var energy = new RingEnergy(periodic);
                using var data = ToyData.Generate(energy, new ToyDataOptions(GridSide: parse.GetValue(grid)), parse.GetValue(seed));
                Log($"{energy.Name}: {data.Train.shape[0]:N0} training and {data.HeldOut.shape[0]:N0} held-out Metropolis samples");
                var results = new List<ToyExperimentResult>();
                foreach (var kind in new[] { TransformKind.Smooth, TransformKind.Spline })
                {
                    var config = new ToyExperimentConfig(periodic, kind, parse.GetValue(components), HiddenWidth: parse.GetValue(hidden),
                        Seed: parse.GetValue(seed), Training: training, Nve: new NveOptions(Steps: parse.GetValue(nveSteps)));
                    results.Add(ToyExperiment.Run(config, (i, t) => Log($"{energy.Name} {kind}: iteration {i} NLL {t.Nll:F4} FM {t.ForceMatching:F1}"),
                        data, withFields: true));
                }
                rows.AddRange(results);
                SmoothFlowPlots.Toy(toy, ToyFields.OfEnergy(energy), results, parse.GetValue(output)!)
                    .ForEach(p => AnsiConsole.MarkupLineInterpolated($"plot: {p}"));
            }
            var table = new Table().Title($"Smooth vs spline flows on the ring toys ({parse.GetValue(iterations)} iterations, ω_f = {parse.GetValue(fm)})");
            foreach (var column in new[] { "toy", "flow", "held-out NLL", "force RMSE", "max force jump", "round trip", "NVE |ΔE| end", "NVE max |ΔE|", "train s" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in rows)
            {
                var m = r.Metrics;
                table.AddRow(r.Config.Periodic ? "periodic" : "rings", r.Config.Kind.ToString().ToLowerInvariant(), $"{m.HeldOutNll:F4}", $"{m.ForceRmse:F2}",
                    $"{m.MaxForceJump:F2}", $"{m.RoundTripError:E1}", $"{r.Nve!.FinalDrift:E2}", $"{r.Nve.MaxDeviation:E2}", $"{r.TrainSeconds:F0}");
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static Command Inversion()
    {
        var dims = ListParsing.ListOption("--dims", "dimensions D (the layer transforms D/2 of them)", new[] { 2, 32, 512 });
        var bins = ListParsing.ListOption("--bins", "bisection grid points per round", new[] { 4, 8, 32, 128 });
        var components = new Option<int>("--components") { Description = "bump components K and spline bins", DefaultValueFactory = _ => 8 };
        var batch = new Option<int>("--batch") { Description = "samples per inverse call", DefaultValueFactory = _ => 100 };
        var windows = new Option<int>("--windows") { Description = "timing windows of ≥ 0.3 s CPU per cell (the best counts)", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads", DefaultValueFactory = _ => 1 };
        var command = new Command("inversion", "CPU time of one coupling layer's inverse: smooth multi-bin bisection (float64, 1e-6) vs the spline's analytic inverse.")
        {
            dims, bins, components, batch, windows, threads,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            set_num_threads(parse.GetValue(threads));
            var rows = InversionBenchmark.Run(parse.GetList(dims), parse.GetList(bins), parse.GetValue(components), parse.GetValue(batch), parse.GetValue(windows),
                onRow: r => Log($"D {r.Dimensions}, bins {r.Bins}: {r.SmoothMilliseconds:F2} vs {r.SplineMilliseconds:F2} CPU ms"));
            var table = new Table().Title($"Inverse of one coupling layer, batch {parse.GetValue(batch)}, K = {parse.GetValue(components)} (slides: 2.1× D 2/128 bins, 2.7× D 32/32, 6.5× D 512/4–8)");
            foreach (var column in new[] { "D", "bins", "smooth CPU ms", "spline CPU ms", "slowdown", "max |F(F⁻¹(y)) − y|" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in rows)
                table.AddRow($"{r.Dimensions}", $"{r.Bins}", $"{r.SmoothMilliseconds:F2}", $"{r.SplineMilliseconds:F2}", $"{r.Slowdown:F1}×", $"{r.RoundTripError:E1}");
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static void Log(string line) => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]");
}
