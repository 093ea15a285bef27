using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Orchestrator.Client.Sdk;

/// <summary>
/// Checks that the cluster's Redis answers before the Orleans client starts: with Redis down the client would only
/// report, after its whole connect timeout, that no silo answered. One TCP connect per endpoint, bounded.
/// </summary>
public static class RedisReachability
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    /// <summary>Throws one line naming the connection when none of its endpoints accepts a connection within 2 s.</summary>
    public static async Task RequireAsync(string connection, CancellationToken cancellation = default)
    {
        var endpoints = ConfigurationOptions.Parse(connection).EndPoints;
        string? failure = null;
        foreach (var endpoint in endpoints)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(Timeout);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint, timeout.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellation.IsCancellationRequested)
            {
                failure = e is SocketException s ? s.Message : $"no answer within {Timeout.TotalSeconds:0} s";
            }
        }
        throw new InvalidOperationException(
            $"the cluster's Redis {connection} is unreachable ({failure ?? "no endpoint"}): start it (infra/redis/start-redis.sh) or check --redis.");
    }
}
