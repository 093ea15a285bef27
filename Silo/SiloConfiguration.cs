using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Orchestrator.Grains.Hosting;

namespace Orchestrator.Silo;

/// <summary>Silo configuration problems, each reported as one line at startup.</summary>
public sealed class SiloConfigurationException(IReadOnlyList<string> problems) : Exception(string.Join(" ", problems))
{
    public SiloConfigurationException(string problem)
        : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>Reads and checks the silo's settings before anything starts.</summary>
public static class SiloConfiguration
{
    /// <summary>The "Orchestrator" section, checked: clustering, addresses, ports, storage settings.</summary>
    public static OrchestratorOptions Read(IConfiguration configuration)
    {
        var options = new OrchestratorOptions();
        try
        {
            configuration.GetSection(OrchestratorOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new SiloConfigurationException($"invalid setting: {OneLine(e.InnerException ?? e)}");
        }
        options.ConnectionString ??= Secret("ORCHESTRATOR_STORAGE_CONNECTION_STRING", "ORCHESTRATOR_STORAGE_CONNECTION_STRING_FILE");
        // Every problem at once, one line each (the same checks AddOrchestrator makes for embedded and test silos).
        if (new OrchestratorOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            throw new SiloConfigurationException([.. invalid.Failures]);
        return options;
    }

    /// <summary>Refuses to start when the silo or gateway port is taken (e.g. by an orphaned silo of the same name).</summary>
    public static void EnsurePortsFree(OrchestratorOptions options)
    {
        var address = options.Clustering == "redis" ? IPAddress.Parse(options.AdvertisedAddress) : IPAddress.Loopback;
        foreach (var (name, port) in new[] { ("silo", options.SiloPort), ("gateway", options.GatewayPort) })
        {
            using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
            try
            {
                probe.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException)
            {
                throw new SiloConfigurationException(
                    $"the {name} port {address}:{port} is taken (another silo, maybe an orphan of an earlier run, still runs there); " +
                    $"stop it or choose another Orchestrator:{(name == "silo" ? "SiloPort" : "GatewayPort")}.");
            }
        }
    }

    /// <summary>A secret from an environment variable, or from the file another variable names (not the command line, where ps shows it).</summary>
    private static string? Secret(string variable, string fileVariable)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            return value;
        if (Environment.GetEnvironmentVariable(fileVariable) is not { Length: > 0 } path)
            return null;
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException e)
        {
            throw new SiloConfigurationException($"{fileVariable}: cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>The innermost useful message on one line, at most 300 characters.</summary>
    public static string OneLine(Exception e)
    {
        var message = e is AggregateException { InnerExceptions.Count: 1 } a ? OneLine(a.InnerException!) : e.Message;
        message = message.Split('\n', 2)[0].Trim();
        return message.Length <= 300 ? message : message[..300] + "…";
    }
}
