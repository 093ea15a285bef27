using System.Net;
using System.Net.Sockets;
using Orchestrator.Client.Sdk;

namespace Orchestrator.Tests.Client;

/// <summary>What a user sees when the cluster cannot be reached: one line naming what is missing, not a timeout.</summary>
public sealed class ConnectFailureTests
{
    [Fact]
    public async Task Connecting_through_an_unreachable_redis_fails_with_one_line_naming_it()
    {
        var connection = $"127.0.0.1:{ClosedPort()}";

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            OrchestratorClient.ConnectAsync(new ClientConnectionOptions { Clustering = "redis", RedisConnection = connection }));

        Assert.StartsWith($"the cluster's Redis {connection} is unreachable (", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    // A loopback port nobody listens on (just released).
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
