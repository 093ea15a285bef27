using System.CommandLine;
using Orchestrator.Training.EquivariantFlows;
using Orchestrator.Training.EquivariantFlows.Experiments;
using Spectre.Console;
using TorchSharp;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator bench ecnf generalisation|discovery|cost</c>: the "Equivariant Flows" experiments on DW4 with the
/// equivariant CNF and the RealNVP baseline; tables on the console, PNG plots and checkpoints in <c>--out</c>.
/// </summary>
public static class BenchEcnfCommand
{
    private sealed record Common(GeneratorTrainingOptions Training, GeneratorArchitecture Architecture, IReadOnlyList<string> Models, ulong Seed, string Out);

    public static Command Create() => new("ecnf", "Equivariant CNF vs RealNVP Boltzmann generators on DW4: generalisation, discovery, cost")
    {
        Generalisation(),
        Discovery(),
        Cost(),
    };

    private static Command Generalisation()
    {
        var samples = new Option<int>("--samples") { Description = "trajectory configurations kept; first half trains, second half tests", DefaultValueFactory = _ => 2000 };
        var thin = new Option<int>("--thin") { Description = "Metropolis steps between kept configurations", DefaultValueFactory = _ => 10 };
        var burnIn = new Option<int>("--burn-in") { Description = "Metropolis steps before the first kept configuration (step size tuned there)", DefaultValueFactory = _ => 2000 };
        var command = new Command("generalisation", "Train both generators on the first half of a short DW4 Metropolis trajectory; NLL on both halves.")
        {
            samples, thin, burnIn,
        };
        var common = AddCommonOptions(command, "runs/ecnf-generalisation");
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var c = common(parse);
            var result = GeneralisationExperiment.Run(new GeneralisationExperiment.Options
            {
                Samples = parse.GetValue(samples), Thin = parse.GetValue(thin), BurnIn = parse.GetValue(burnIn),
                Training = c.Training, Architecture = c.Architecture, Models = c.Models, Seed = c.Seed, CheckpointFolder = c.Out,
            }, Log);
            var table = new Table().Title($"DW4 generalisation: NLL on the trajectory's halves (unnormalised / normalised, +{result.Rows[0].GaussianConstant:F4})");
            foreach (var column in new[] { "model", "parameters", "train NLL", "test NLL", "train NLL (norm.)", "test NLL (norm.)", "test − train", "median train / test", "training s" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in result.Rows)
                table.AddRow(r.Model, $"{r.Parameters:N0}", $"{r.TrainNll:F3}", $"{r.TestNll:F3}", $"{r.TrainNll + r.GaussianConstant:F3}",
                    $"{r.TestNll + r.GaussianConstant:F3}", $"{r.TestNll - r.TrainNll:F3}", $"{r.TrainMedian:F3} / {r.TestMedian:F3}", $"{r.TrainSeconds:F0}");
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLineInterpolated($"Metropolis acceptance {result.Acceptance:P1}; NLL by {(c.Models.Contains(GeneratorKinds.Equivariant) ? "Dormand–Prince (CNF), exact (RealNVP)" : "exact log-det")}");
            EcnfPlots.Generalisation(result, c.Out).ForEach(p => AnsiConsole.MarkupLineInterpolated($"plot: {p}"));
            return 0;
        }));
        return command;
    }

    private static Command Discovery()
    {
        var reference = new Option<int>("--reference") { Description = "DW4 test configurations minimised to list the reference states", DefaultValueFactory = _ => 2000 };
        var noise = new Option<double>("--noise") { Description = "standard deviation of the noise around the training minimum", DefaultValueFactory = _ => 0.1 };
        var samples = new Option<int>("--samples") { Description = "samples per model, minimised and classified", DefaultValueFactory = _ => 1000 };
        var command = new Command("discovery", "Train both generators on one noisy DW4 minimum, fine-tune with ML + KL, count the metastable states their samples reach.")
        {
            reference, noise, samples,
        };
        var common = AddCommonOptions(command, "runs/ecnf-discovery");
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var c = common(parse);
            var result = DiscoveryExperiment.Run(new DiscoveryExperiment.Options
            {
                ReferenceCount = parse.GetValue(reference), Noise = parse.GetValue(noise), Samples = parse.GetValue(samples),
                Training = c.Training, Architecture = c.Architecture, Models = c.Models, Seed = c.Seed, CheckpointFolder = c.Out,
            }, Log);
            var states = new Table().Title("Reference metastable states (minimised DW4 test configurations; sorted pair distances)");
            foreach (var column in new[] { "state", "count", "pair distances" })
                states.AddColumn(column);
            for (var i = 0; i < result.Reference.Count; i++)
                states.AddRow(i == result.TrainingState ? $"{i} (training)" : $"{i}", $"{result.Reference.Counts[i]}",
                    string.Join(" ", result.Reference.Signatures[i].Select(d => d.ToString("F2"))));
            AnsiConsole.Write(states);
            var table = new Table().Title("Discovery: distinct states reached by minimised samples");
            foreach (var column in new[] { "model", "distinct states", "reference states found", "new states", "share in training state", "converged samples", "training s" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in result.Rows)
                table.AddRow(r.Model, $"{r.DistinctStates}", $"{r.ReferenceStatesFound} / {result.Reference.Count}", $"{r.NewStates}",
                    $"{r.TrainingStateShare:P1}", $"{r.Converged}", $"{r.TrainSeconds:F0}");
            AnsiConsole.Write(table);
            EcnfPlots.Discovery(result, c.Out).ForEach(p => AnsiConsole.MarkupLineInterpolated($"plot: {p}"));
            return 0;
        }));
        return command;
    }

    private static Command Cost()
    {
        var count = new Option<int>("--count") { Description = "samples and NLL evaluations timed", DefaultValueFactory = _ => 1000 };
        var epochs = new Option<int>("--epochs") { Description = "ML epochs on 1,000 DW4 training configurations before timing", DefaultValueFactory = _ => 10 };
        var seed = new Option<ulong>("--seed") { Description = "seed", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads", DefaultValueFactory = _ => 1 };
        var noFff = new Option<bool>("--no-fff") { Description = "leave out the E(n)-FFF generator (20 blocks, hidden 64)" };
        var command = new Command("cost", "Time per sample and per NLL evaluation, fixed-step RK4 vs adaptive Dormand–Prince, both generators and E(n)-FFF.")
        {
            count, epochs, seed, threads, noFff,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            torch.set_num_threads(parse.GetValue(threads));
            var rows = CostExperiment.Run(new CostExperiment.Options
            {
                Count = parse.GetValue(count), TrainEpochs = parse.GetValue(epochs), Seed = parse.GetValue(seed), IncludeFff = !parse.GetValue(noFff),
            }, Log);
            var table = new Table().Title($"DW4 cost per configuration (ms wall / CPU, one batch of {parse.GetValue(count)}, {parse.GetValue(threads)} thread(s))");
            foreach (var column in new[] { "model", "parameters", "sample (RK4)", "sample DP", "NLL (RK4)", "NLL DP", "DP steps (sample / NLL)", "max |NLL RK4 − DP|" })
                table.AddColumn(new TableColumn(column).RightAligned());
            foreach (var r in rows)
            {
                var ode = r.Model == GeneratorKinds.Equivariant;
                table.AddRow(r.Model, $"{r.Parameters:N0}", $"{r.SampleRk4}", ode ? $"{r.SampleAdaptive}" : "(no ODE)", $"{r.NllRk4}",
                    ode ? $"{r.NllAdaptive}" : "(no ODE)", ode ? $"{r.SampleSteps} / {r.NllSteps}" : "—", ode ? $"{r.MaxNllDifference:E2}" : "—");
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("RK4: 20 fixed steps; DP: Dormand–Prince rtol 1e-5, atol 1e-10. realnvp and fff have no ODE: one pass. " +
                "fff: E(n)-FFF at the paper's DW4 size, untrained; its sample is raw generation (no log q), its NLL exact (N·D reverse passes).");
            return 0;
        }));
        return command;
    }

    /// <summary>Training, architecture, model, seed and output options shared by generalisation and discovery.</summary>
    private static Func<ParseResult, Common> AddCommonOptions(Command command, string defaultOut)
    {
        var defaults = new GeneratorTrainingOptions();
        var architecture = new GeneratorArchitecture();
        var mlEpochs = new Option<int>("--ml-epochs") { Description = "maximum-likelihood epochs", DefaultValueFactory = _ => defaults.MlEpochs };
        var mixEpochs = new Option<int>("--mix-epochs") { Description = "epochs of λ·NLL + (1 − λ)·KL, λ annealed from 1 to --final-lambda", DefaultValueFactory = _ => defaults.MixEpochs };
        var finalLambda = new Option<double>("--final-lambda") { Description = "λ at the last mix epoch", DefaultValueFactory = _ => defaults.FinalLambda };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => defaults.LearningRate };
        var batch = new Option<int>("--batch-size") { Description = "batch size", DefaultValueFactory = _ => defaults.BatchSize };
        var distanceBasis = new Option<int>("--distance-basis") { Description = "CNF radial basis size", DefaultValueFactory = _ => architecture.Ecnf.DistanceBasis };
        var timeBasis = new Option<int>("--time-basis") { Description = "CNF time basis size", DefaultValueFactory = _ => architecture.Ecnf.TimeBasis };
        var couplings = new Option<int>("--couplings") { Description = "RealNVP couplings", DefaultValueFactory = _ => architecture.Couplings };
        var hidden = new Option<int>("--hidden") { Description = "RealNVP hidden width", DefaultValueFactory = _ => architecture.Hidden };
        var models = ListParsing.ListOption("--models", "generators to train", GeneratorKinds.Names.ToArray());
        var seed = new Option<ulong>("--seed") { Description = "seed of data, initialisation and training", DefaultValueFactory = _ => 1 };
        var threads = new Option<int>("--threads") { Description = "intra-op threads", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "folder for plots and checkpoints (a rerun resumes from them)", DefaultValueFactory = _ => defaultOut };
        foreach (var option in new Option[] { mlEpochs, mixEpochs, finalLambda, lr, batch, distanceBasis, timeBasis, couplings, hidden, models, seed, threads, output })
            command.Add(option);
        return parse =>
        {
            torch.set_num_threads(parse.GetValue(threads));
            var training = new GeneratorTrainingOptions
            {
                MlEpochs = parse.GetValue(mlEpochs), MixEpochs = parse.GetValue(mixEpochs), FinalLambda = parse.GetValue(finalLambda),
                LearningRate = parse.GetValue(lr), BatchSize = parse.GetValue(batch),
            };
            training.Validate();
            var chosen = parse.GetList(models);
            foreach (var m in chosen.Where(m => !GeneratorKinds.Names.Contains(m)))
                throw new ArgumentException($"Unknown model '{m}'; known: {string.Join(", ", GeneratorKinds.Names)}.");
            return new Common(training, new GeneratorArchitecture
            {
                Ecnf = new EcnfOptions { DistanceBasis = parse.GetValue(distanceBasis), TimeBasis = parse.GetValue(timeBasis) },
                Couplings = parse.GetValue(couplings), Hidden = parse.GetValue(hidden),
            }, chosen, parse.GetValue(seed), parse.GetValue(output)!);
        };
    }

    private static void Log(string line) => AnsiConsole.MarkupLineInterpolated($"[grey]{line}[/]");
}
