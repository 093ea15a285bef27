using Orchestrator.Client.Cli;
using Orchestrator.Training.Workloads.FffSbi;

namespace Orchestrator.Tests.Client;

/// <summary><c>bench sbi</c> takes its options from fff-sbi's descriptor and runs its trials through the workload.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchSbiCommandTests
{
    private static Task<(int Code, string Output, string Error)> Bench(params string[] args) =>
        CliRunner.RunAsync([BenchSbiCommand.Create()], ["sbi", .. args]);

    [Fact]
    public async Task Every_declared_parameter_outside_the_grid_is_an_option_with_the_bench_s_protocol_defaults()
    {
        var (_, help, _) = await Bench("--help");

        foreach (var parameter in FffSbiDescriptor.Instance.Parameters.Where(p => !p.TestOnly))
        {
            var single = WorkloadOptions.OptionName(parameter.Name) + " ";
            var gridded = parameter.Name is FffSbiDescriptor.Task or FffSbiDescriptor.Budget or FffSbiDescriptor.Beta;
            Assert.True(help.Contains(single, StringComparison.Ordinal) != gridded, $"{single}in help: {!gridded}");
        }
        Assert.Contains("[default: 100]", help.Split('\n').Single(l => l.Contains("--epochs ", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("[default: 1000,10000]", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grid_values_outside_the_declared_ranges_are_refused_before_any_training()
    {
        var (code, printed, _) = await Bench("--tasks", "two_moons,nope", "--budgets", "10", "--weight-decay", "-1");
        var (gridCode, grid, _) = await Bench("--tasks", "two_moons,nope", "--budgets", "10");

        Assert.Equal((1, 1), (code, gridCode));
        Assert.Contains("--weight-decay: expected a number ≥ 0, got -1", printed, StringComparison.Ordinal);
        Assert.Contains("budget: expected an integer ≥ 20, got 10", grid, StringComparison.Ordinal);
        Assert.Contains("task: expected one of two_moons,", grid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_one_trial_grid_prints_the_primary_metric_next_to_the_published_npe_value()
    {
        var (code, printed, error) = await Bench("--tasks", "two_moons", "--budgets", "1000", "--betas", "25", "--epochs", "1",
            "--observations", "1", "--posterior-samples", "200", "--parallel", "1");

        Assert.True(code == 0, printed + error);
        var row = printed.Split('\n').Single(l => l.Contains("two_moons", StringComparison.Ordinal) && l.Contains('│'));
        var cells = row.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["two_moons", "1000", "25", "16"], cells[..4]);
        var score = double.Parse(System.Text.RegularExpressions.Regex.Replace(cells[4], @"\x1b\[[0-9;]*m", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(score, 0.5, 1.0);
        Assert.Equal("0.725", cells[5]); // NPE, two_moons, 10³ simulations (sbibm)
    }
}
