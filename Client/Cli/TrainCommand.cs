using System.CommandLine;
using Orchestrator.Training.Networks;
using Orchestrator.Training.Optimization;
using Orchestrator.Training.Output;
using Orchestrator.Training.Trials;
using Spectre.Console;

namespace Orchestrator.Client.Cli;

/// <summary><c>orchestrator train</c>: one free-form flow trial on one sbibm task, with live progress and a result table.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var defaults = new TrialConfig();
        var training = defaults.Training;
        var task = new Option<string>("--task") { Description = "sbibm task, e.g. two_moons, slcp, sir", DefaultValueFactory = _ => defaults.Task };
        var budget = new Option<int>("--budget") { Description = "simulation budget (10³, 10⁴, 10⁵ in sbibm)", DefaultValueFactory = _ => defaults.Budget };
        var beta = new Option<double>("--beta") { Description = "reconstruction weight β", DefaultValueFactory = _ => training.Beta };
        var lr = new Option<double>("--lr") { Description = "peak learning rate (one-cycle)", DefaultValueFactory = _ => training.LearningRate };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 penalty inside Adam", DefaultValueFactory = _ => training.WeightDecay };
        var batch = new Option<int>("--batch-size") { Description = "batch size", DefaultValueFactory = _ => training.BatchSize };
        var epochs = new Option<int>("--epochs") { Description = "training epochs", DefaultValueFactory = _ => training.Epochs };
        var architecture = new Option<string>("--architecture") { Description = $"network: {string.Join(", ", Architectures.Names)}", DefaultValueFactory = _ => training.Architecture };
        var identityInit = new Option<bool>("--identity-init") { Description = "start encoder and decoder near the identity" };
        var hutchinson = new Option<int>("--hutchinson") { Description = "Hutchinson vectors K per sample", DefaultValueFactory = _ => training.HutchinsonSamples };
        var seed = new Option<long>("--seed") { Description = "seed of simulation, initialisation and training", DefaultValueFactory = _ => defaults.Seed };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N", DefaultValueFactory = _ => defaults.Device };
        var threads = new Option<int>("--threads") { Description = "intra-op threads (0 = TorchSharp default)", DefaultValueFactory = _ => defaults.Threads };
        var observations = ListParsing.ListOption("--observations", "observation numbers for C2ST", defaults.Observations.ToArray());
        var samples = new Option<int>("--posterior-samples") { Description = "posterior samples per observation", DefaultValueFactory = _ => defaults.PosteriorSamples };
        var output = new Option<string?>("--out") { Description = "output directory (default runs/<task>-<budget>-beta<β>-seed<seed>)" };
        var resume = new Option<bool>("--resume") { Description = "continue from the output directory's checkpoint" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "epochs between checkpoints", DefaultValueFactory = _ => 10 };

        var command = new Command("train", "Train a free-form flow on one sbibm task and judge it by C2ST against the reference posteriors.")
        {
            task, budget, beta, lr, weightDecay, batch, epochs, architecture, identityInit, hutchinson, seed, device, threads,
            observations, samples, output, resume, checkpointEvery,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var config = new TrialConfig
            {
                Task = parse.GetValue(task)!,
                Budget = parse.GetValue(budget),
                Seed = parse.GetValue(seed),
                Device = parse.GetValue(device)!,
                Threads = parse.GetValue(threads),
                Observations = parse.GetValue(observations)!,
                PosteriorSamples = parse.GetValue(samples),
                Training = new TrainingOptions
                {
                    Beta = parse.GetValue(beta),
                    LearningRate = parse.GetValue(lr),
                    WeightDecay = parse.GetValue(weightDecay),
                    BatchSize = parse.GetValue(batch),
                    Epochs = parse.GetValue(epochs),
                    Architecture = parse.GetValue(architecture)!,
                    IdentityInit = parse.GetValue(identityInit),
                    HutchinsonSamples = parse.GetValue(hutchinson),
                },
            };
            config.Validate();
            var directory = parse.GetValue(output) ?? Path.Combine("runs", $"{config.Task}-{config.Budget}-beta{config.Training.Beta:G}-seed{config.Seed}");
            var every = parse.GetValue(checkpointEvery);
            if (every < 1)
                throw new ArgumentException("--checkpoint-every must be ≥ 1.");
            return Train(config, directory, parse.GetValue(resume), every);
        }));
        return command;
    }

    private static int Train(TrialConfig config, string directory, bool resume, int checkpointEvery)
    {
        var checkpointPath = Path.Combine(directory, "checkpoint.bin");
        if (!resume && File.Exists(checkpointPath))
            File.Delete(checkpointPath);
        else if (resume && !File.Exists(checkpointPath))
            throw new FileNotFoundException($"--resume was given but {checkpointPath} does not exist.");
        AnsiConsole.MarkupLineInterpolated(
            $"Training [bold]{config.Task}[/] (budget {config.Budget}, β {config.Training.Beta}, {config.Training.Architecture}, seed {config.Seed}, {config.Device}) → {directory}");
        var result = TrialProgressDisplay.Run(config, progress =>
            TrialRunner.Run(config, progress, new FileCheckpointStore(checkpointPath), checkpointEvery));
        TrialOutputWriter.Write(directory, result);
        ResultTable.Print(result);
        AnsiConsole.MarkupLineInterpolated($"Wrote result.json, history.csv and {result.Observations.Count} posterior sample files to {directory}");
        return 0;
    }
}
