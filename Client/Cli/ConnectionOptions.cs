using System.CommandLine;
using Orchestrator.Client.Sdk;
using Orchestrator.Grains.Telemetry;

namespace Orchestrator.Client.Cli;

/// <summary>Options shared by the commands that talk to a running cluster.</summary>
public sealed class ConnectionOptions
{
    private readonly Option<int> _gatewayPort = new("--gateway-port") { Description = "gateway port of a local silo", DefaultValueFactory = _ => 30000 };
    private readonly Option<string?> _redis = new("--redis") { Description = "Redis connection string of a multi-machine cluster (instead of a local silo)" };
    private readonly Option<string> _cluster = new("--cluster-id") { Description = "cluster id", DefaultValueFactory = _ => "orchestrator" };
    private readonly Option<double> _timeout = new("--timeout") { Description = "seconds one call to the cluster may take before it fails", DefaultValueFactory = _ => 30 };

    public void AddTo(Command command)
    {
        command.Add(_gatewayPort);
        command.Add(_redis);
        command.Add(_cluster);
        command.Add(_timeout);
    }

    /// <summary>The connection the options describe.</summary>
    public ClientConnectionOptions Read(ParseResult parse)
    {
        var redis = parse.GetValue(_redis);
        return new ClientConnectionOptions
        {
            Clustering = redis is null ? "localhost" : "redis",
            RedisConnection = redis,
            GatewayPort = parse.GetValue(_gatewayPort),
            ClusterId = parse.GetValue(_cluster)!,
            ResponseTimeout = TimeSpan.FromSeconds(parse.GetValue(_timeout) is var seconds and > 0 ? seconds
                : throw new ArgumentException("--timeout must be > 0 seconds.")),
        };
    }

    /// <summary>Connects the SDK; telemetry exporters come from the standard OTEL_* variables when set.</summary>
    public static async Task<IOrchestratorClient> ConnectAsync(ClientConnectionOptions options, CancellationToken cancellation) =>
        await OrchestratorClient.ConnectAsync(options,
            services => services.AddOrchestratorTelemetry(new TelemetryOptions(), "orchestrator-client"), cancellation);
}
