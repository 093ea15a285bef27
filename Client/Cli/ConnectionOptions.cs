using System.CommandLine;
using Orchestrator.Client.Sdk;

namespace Orchestrator.Client.Cli;

/// <summary>Options shared by the commands that talk to a running cluster.</summary>
public sealed class ConnectionOptions
{
    private readonly Option<int> _gatewayPort = new("--gateway-port") { Description = "gateway port of a local silo", DefaultValueFactory = _ => 30000 };
    private readonly Option<string?> _redis = new("--redis") { Description = "Redis connection string of a multi-machine cluster (instead of a local silo)" };
    private readonly Option<string> _cluster = new("--cluster-id") { Description = "cluster id", DefaultValueFactory = _ => "orchestrator" };

    public void AddTo(Command command)
    {
        command.Add(_gatewayPort);
        command.Add(_redis);
        command.Add(_cluster);
    }

    public Task<OrchestratorClient> ConnectAsync(ParseResult parse, CancellationToken cancellation)
    {
        var redis = parse.GetValue(_redis);
        return OrchestratorClient.ConnectAsync(new ClientConnectionOptions
        {
            Clustering = redis is null ? "localhost" : "redis",
            RedisConnection = redis,
            GatewayPort = parse.GetValue(_gatewayPort),
            ClusterId = parse.GetValue(_cluster)!,
        }, cancellation);
    }
}
