using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Orchestrator.Training.Data;

namespace Orchestrator.Tests.Cluster;

/// <summary>infra/redis/start-redis.sh starts a loopback Redis that answers, as the README's cluster commands use it.</summary>
public sealed class RedisScriptTests
{
    [Fact]
    public async Task The_infra_script_starts_a_loopback_redis_that_answers()
    {
        var script = Path.Combine(DataLocator.FindRepositoryRoot(AppContext.BaseDirectory)!, "infra", "redis", "start-redis.sh");
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var (code, output) = await RunAsync("bash", script, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            Assert.True(code == 0, output);
            Assert.Contains($"redis on 127.0.0.1:{port}", output);
            var (pingCode, pong) = await RunAsync("redis-cli", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "ping");
            Assert.Equal(0, pingCode);
            Assert.Equal("PONG", pong.Trim());
        }
        finally
        {
            await RunAsync("redis-cli", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "shutdown", "nosave");
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
