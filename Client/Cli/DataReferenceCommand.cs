using System.CommandLine;
using Orchestrator.Training.Boltzmann;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Client.Cli;

/// <summary>
/// <c>orchestrator data reference</c>: exact equilibrium numbers by importance sampling (<see cref="EquilibriumReference"/>)
/// next to every shipped split: log Z, energy, short-pair shares, and the exact NLL of each split (the floor for any
/// model's test NLL).
/// </summary>
public static class DataReferenceCommand
{
    public static Command Create()
    {
        var system = new Argument<string>("system") { Description = "particle system (importance sampling needs few dimensions: dw4)" };
        var samples = new Option<long>("--samples") { Description = "importance samples", DefaultValueFactory = _ => 20_000_000 };
        var sigma = new Option<double>("--sigma") { Description = "standard deviation of the Gaussian proposal per coordinate", DefaultValueFactory = _ => 2.2 };
        var seed = new Option<ulong>("--seed") { Description = "seed", DefaultValueFactory = _ => 1 };
        var folder = new Option<string?>("--folder") { Description = "folder holding the splits (default: data/boltzmann)" };
        var command = new Command("reference", "Exact equilibrium statistics and partition function by importance sampling, and the exact NLL of each split.")
        {
            system, samples, sigma, seed, folder,
        };
        command.SetAction(parse => ConsoleErrors.Run(() =>
        {
            var particles = ParticleSystems.Get(parse.GetValue(system)!);
            var reference = EquilibriumReference.Compute(particles, parse.GetValue(samples), parse.GetValue(sigma), parse.GetValue(seed));
            Console.WriteLine($"{particles.Name.ToUpperInvariant()}: {reference.Samples} samples from N(0, {reference.Sigma:G}² I) on the mean-free subspace, " +
                $"ESS/n {reference.RelativeEss:F4}, log Z = {reference.LogZ.Value:F4} ± {reference.LogZ.StandardError:F4}");
            var table = new Table().Title("equilibrium (importance sampling) vs the splits");
            table.AddColumn("quantity");
            table.AddColumn(new TableColumn("equilibrium ± SE").RightAligned());
            var splits = BoltzmannData.Splits.Where(s => BoltzmannData.Exists(particles, s, parse.GetValue(folder))).ToList();
            var loaded = splits.Select(s => BoltzmannData.Load(particles, s, parse.GetValue(folder)).to(ScalarType.Float64)).ToList();
            foreach (var s in splits)
                table.AddColumn(new TableColumn($"{s} split").RightAligned());
            var energies = loaded.Select(x => { using (no_grad()) return particles.Energy(x); }).ToList();
            var threshold = EquilibriumReference.ShortPairThreshold(particles);
            var pairs = particles.ParticleCount * (particles.ParticleCount - 1) / 2;
            var counts = loaded.Select(x => ParticleGeometry.SquaredPairDistances(x, particles.ParticleCount, particles.Dimensions)
                .lt(threshold * threshold).sum(1)).ToList();
            string Est(EquilibriumReference.Estimate e, string format) => $"{e.Value.ToString(format)} ± {e.StandardError.ToString(format)}";
            table.AddRow(["rows", $"{reference.Samples}", .. loaded.Select(x => $"{x.shape[0]}")]);
            table.AddRow(["energy mean", Est(reference.EnergyMean, "F3"), .. energies.Select(u => $"{u.mean().ToDouble():F3}")]);
            table.AddRow(["energy std", $"{reference.EnergyStd:F3}", .. energies.Select(u => $"{u.std().ToDouble():F3}")]);
            table.AddRow([$"P(d < {threshold:G})", Est(reference.ShortPairFraction, "F4"),
                .. counts.Select(c => $"{c.to(ScalarType.Float64).mean().ToDouble() / pairs:F4}")]);
            for (var k = 0; k <= pairs; k++)
            {
                if (reference.ShortPairShares[k].Value < 0.005)
                    continue;
                var pairCount = k;
                table.AddRow([$"{k} short pairs", Est(reference.ShortPairShares[k], "F4"),
                    .. counts.Select(c => $"{c.eq(pairCount).to(ScalarType.Float64).mean().ToDouble():F4}")]);
            }
            table.AddRow(["exact NLL, unnormalised", "", .. energies.Select(u => $"{reference.UnnormalisedNll(u.mean().ToDouble(), particles):F3}")]);
            table.AddRow(["exact NLL, normalised", "", .. energies.Select(u =>
                $"{reference.UnnormalisedNll(u.mean().ToDouble(), particles) + MeanFreeGaussian.LogNormaliser(particles):F3}")]);
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
