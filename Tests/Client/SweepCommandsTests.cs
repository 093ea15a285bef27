using System.Text.Json;
using Orchestrator.Client.Cli;
using Orchestrator.Client.Sdk;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Client;

/// <summary>The cluster commands of the CLI, run against a fake SDK client: what they ask the SDK and what they print.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SweepCommandsTests
{
    private static readonly SweepResults Results = new(
        new SweepStatus("beta", SweepPhase.Completed, 2, 0, 0, 2, 0, 0, "hash", DateTimeOffset.UnixEpoch),
        ["beta"],
        [
            new TrialRow("c1", "g1", 1, TrialStatus.Completed, 1, 0.61, new Dictionary<string, double> { ["c2st"] = 0.61, ["valNll"] = 1.5 }, null, new Dictionary<string, ParamValue> { ["beta"] = ParamValue.Of(5.0), ["seed"] = ParamValue.Of(1L) }),
            new TrialRow("c2", "g2", 1, TrialStatus.Failed, 3, double.NaN, new Dictionary<string, double>(), "boom, twice", new Dictionary<string, ParamValue> { ["beta"] = ParamValue.Of(25.0), ["seed"] = ParamValue.Of(1L) }),
        ],
        [new GroupRow("g1", new Dictionary<string, ParamValue> { ["beta"] = ParamValue.Of(5.0) }, 1, 1, 0.61, 0, new Dictionary<string, double> { ["c2st"] = 0.61, ["valNll"] = 1.5 })],
        new MetricColumn("c2st", "C2ST", true), [new MetricColumn("c2st", "C2ST", true), new MetricColumn("valNll", "val NLL", true)]);

    private readonly FakeOrchestratorClient _client = new(Results);
    private ClientConnectionOptions? _connectedWith;

    private async Task<(int Code, string Output)> RunAsync(params string[] args)
    {
        var (code, output, error) = await RunAnyAsync(args);
        Assert.True(code == 0, $"exit code {code}: {output} {error}");
        return (code, output);
    }

    private async Task<(int Code, string Output, string Error)> RunAnyAsync(params string[] args)
    {
        var commands = new SweepCommands((options, _) =>
        {
            _connectedWith = options;
            return Task.FromResult<IOrchestratorClient>(_client);
        }).All();
        return await CliRunner.RunAsync(commands, args);
    }

    private async Task<(int Code, string Output, string Error)> RunWithInputAsync(string input, params string[] args)
    {
        var original = Console.In;
        Console.SetIn(new StringReader(input));
        try
        {
            return await RunAnyAsync(args);
        }
        finally
        {
            Console.SetIn(original);
        }
    }

    [Fact]
    public async Task Results_as_csv_prints_the_shared_writer_s_rows_through_the_sdk()
    {
        var (code, output) = await RunAsync("results", "beta", "--csv", "--gateway-port", "31000");
        Assert.Equal(0, code);
        Assert.Equal(SummaryCsv.Write(Results), output);
        // An empty page for the metric columns, then the rows streamed page by page, never one message of every row.
        Assert.Equal(["results-page beta top=0 order=Objective status=", "export beta status="], _client.Calls);
        Assert.Equal(31000, _connectedWith!.GatewayPort);
        Assert.Equal("localhost", _connectedWith.Clustering);
        Assert.True(_client.Disposed);
        var lines = output.Trim().Split('\n');
        Assert.Equal("config_hash,group_hash,status,attempt,c2st,valNll,reason,beta,seed", lines[0]);
        Assert.Equal("c2,g2,Failed,3,,,\"boom, twice\",25,1", lines[2]);
    }

    [Fact]
    public async Task Results_as_json_are_typed_rows_with_plain_parameter_values()
    {
        var (code, output) = await RunAsync("results", "beta", "--json", "--redis", "127.0.0.1:6379");
        Assert.Equal(0, code);
        Assert.Equal("redis", _connectedWith!.Clustering);
        using var json = JsonDocument.Parse(output);
        var trials = json.RootElement.GetProperty("trials");
        Assert.Equal(2, trials.GetArrayLength());
        Assert.Equal(0.61, trials[0].GetProperty("objective").GetDouble());
        Assert.Equal(1.5, trials[0].GetProperty("metrics").GetProperty("valNll").GetDouble());
        Assert.Equal("c2st", json.RootElement.GetProperty("objective").GetProperty("name").GetString());
        Assert.Equal(5.0, trials[0].GetProperty("parameters").GetProperty("beta").GetDouble());
        Assert.Equal(JsonValueKind.Null, trials[1].GetProperty("objective").ValueKind);
        Assert.Equal("failed", trials[1].GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_results_table_labels_its_metric_columns_as_the_results_declare_them()
    {
        var (_, output) = await RunAsync("results", "beta");
        Assert.Contains("C2ST mean ± SEM", output, StringComparison.Ordinal);
        Assert.Contains("val NLL", output, StringComparison.Ordinal);
        Assert.Contains("0.610", output, StringComparison.Ordinal);

        var relabelled = Results with { Objective = new MetricColumn("c2st", "accuracy", true), Metrics = [new MetricColumn("c2st", "accuracy", true)] };
        var commands = new SweepCommands((_, _) => Task.FromResult<IOrchestratorClient>(new FakeOrchestratorClient(relabelled))).All();
        var (_, table, _) = await CliRunner.RunAsync(commands, ["results", "beta"]);
        Assert.Contains("accuracy mean ± SEM", table, StringComparison.Ordinal);
        Assert.DoesNotContain("C2ST", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_resume_and_ls_ask_the_sdk_once_each()
    {
        Assert.Equal(0, (await RunAsync("cancel", "beta")).Code);
        Assert.Equal(0, (await RunAsync("resume", "beta", "--retry-failed")).Code);
        var (code, listing) = await RunAsync("ls");
        Assert.Equal(0, code);
        Assert.Contains("beta", listing, StringComparison.Ordinal);
        Assert.Contains("Completed", listing, StringComparison.Ordinal);
        Assert.Equal(["cancel beta", "resume beta retryFailed=True", "ls"], _client.Calls);
    }

    [Fact]
    public async Task Rm_deletes_only_after_a_yes_or_with_the_yes_option()
    {
        var (declined, asked, _) = await RunWithInputAsync("n\n", "rm", "beta");
        Assert.Equal(1, declined);
        Assert.Contains("Delete sweep 'beta' (2 trials, 2 completed, 0 running) with all its results? [y/N]", asked, StringComparison.Ordinal);
        Assert.Contains("Not deleted.", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("rm beta", _client.Calls);

        var (confirmed, _, _) = await RunWithInputAsync("y\n", "rm", "beta");
        var (scripted, _, _) = await RunWithInputAsync("", "rm", "beta", "--yes");

        Assert.Equal((0, 0), (confirmed, scripted));
        Assert.Equal(["status beta", "status beta", "rm beta", "status beta", "rm beta"], _client.Calls);
    }

    [Fact]
    public async Task Metrics_print_one_row_per_stored_epoch_and_logs_print_the_stored_lines()
    {
        _client.TrialLines = ["{\"attempt\":1,\"epoch\":1,\"trainLoss\":2.5,\"valNll\":null}", "{\"attempt\":1,\"epoch\":2,\"trainLoss\":1.25,\"valNll\":0.75}"];
        // The per-epoch valNll is not the final one: the table heads it with the per-epoch metric's label.
        _client.EpochMetrics = [new MetricColumn("trainLoss", "train loss", true), new MetricColumn("valNll", "val NLL (encoder, z)", true)];

        var (_, table) = await RunAsync("metrics", "beta", "c1");
        var (_, json) = await RunAsync("metrics", "beta", "c1", "--json");
        var (_, log) = await RunAsync("logs", "beta", "c1");

        var rows = table.Split('\n').Where(l => l.Contains('│')).Select(l => l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(["attempt", "epoch", "train loss", "val NLL (encoder, z)"], rows[0]);
        Assert.Equal(["1", "1", "2.5", "—"], rows[1]);
        Assert.Equal(["1", "2", "1.25", "0.75"], rows[2]);
        Assert.Equal(_client.TrialLines, json.Trim().Split('\n'));
        Assert.Equal(_client.TrialLines, log.Trim().Split('\n'));
        Assert.Equal(["metrics beta c1", "results-page beta top=0 order=Objective status=", "metrics beta c1", "logs beta c1"], _client.Calls);

        _client.TrialLines = [];
        var (missing, _, error) = await RunAnyAsync("logs", "beta", "c9");
        Assert.Equal(1, missing);
        Assert.Contains("No log stored for trial 'c9' of sweep 'beta'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_prints_the_best_groups_so_far_when_trials_complete()
    {
        var running = Results.Status with { Phase = SweepPhase.Running, Completed = 0, Running = 2 };
        _client.Events =
        [
            new SweepProgress(running, null, null, null, "watching"),
            new SweepProgress(running with { Completed = 1, Running = 1 }, "c1", TrialStatus.Completed, null, "completed: C2ST 0.610", "beta=5 seed=1"),
        ];

        var (_, output) = await RunAsync("watch", "beta");

        var lines = output.Split('\n');
        var best = Assert.Single(lines, l => l.Contains(" best: ", StringComparison.Ordinal));
        Assert.EndsWith("best: beta=5 0.610 (1/1 seed)", best.TrimEnd(), StringComparison.Ordinal);
        Assert.True(Array.IndexOf(lines, best) > Array.FindIndex(lines, l => l.Contains("completed: C2ST 0.610", StringComparison.Ordinal)));
        Assert.Equal(["watch beta", "results-page beta top=0 order=Objective status=", "results beta"], _client.Calls);
    }
}
