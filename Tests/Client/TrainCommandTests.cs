using System.Text.Json;
using Orchestrator.Client.Cli;
using Orchestrator.Tests.Workloads;

namespace Orchestrator.Tests.Client;

/// <summary><c>train &lt;workload&gt;</c> is generated from the descriptor: the test workload gets options, help and checks without CLI code.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class TrainCommandTests
{
    private static Task<(int Code, string Output, string Error)> Train(params string[] args) =>
        CliRunner.RunAsync([TrainCommand.Create([new QuadraticWorkload()])], ["train", "quadratic", .. args]);

    [Fact]
    public async Task Generated_options_run_the_workload_and_write_its_result()
    {
        var output = Directory.CreateTempSubdirectory("orchestrator-train-").FullName;
        var (code, printed, error) = await Train("--target", "0.5", "--lr", "0.25", "--epochs", "4", "--seed", "2", "--observations", "1", "--out", output);
        Assert.True(code == 0, printed + error);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "result.json")));
        Assert.Equal(QuadraticWorkload.ExpectedLoss(0.5, 0.25, 4, 2), result.RootElement.GetProperty("loss").GetDouble(), 12);
        Assert.Contains("0.0088", printed, StringComparison.Ordinal); // the mean of the primary metric, (1.5 · 2⁻⁴)², in the table
    }

    [Fact]
    public async Task Values_outside_the_declared_ranges_are_refused_one_line_each()
    {
        var (code, printed, _) = await Train("--lr", "0.7", "--epochs", "0", "--mode", "odd");
        Assert.Equal(1, code);
        Assert.Contains("--epochs: expected an integer ≥ 1 and ≤ 1000, got 0", printed, StringComparison.Ordinal);
        Assert.Contains("--lr: expected a number > 0 and < 0.5, got 0.7", printed, StringComparison.Ordinal);
        Assert.Contains("--mode: expected one of plain, fancy, got 'odd'", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_declared_parameter_with_its_default()
    {
        var (_, printed, _) = await Train("--help");
        foreach (var parameter in QuadraticWorkload.Definition.Parameters)
            Assert.Contains(WorkloadOptions.OptionName(parameter.Name), printed, StringComparison.Ordinal);
        Assert.Contains("[default: 0.25]", printed, StringComparison.Ordinal);
        // A list default reads as it is typed, comma-separated.
        Assert.Contains("[default: 1,2,3,4,5]", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("1|2", printed, StringComparison.Ordinal);
    }
}
