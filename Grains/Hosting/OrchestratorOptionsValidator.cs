using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Orchestrator.Grains.Hosting;

/// <summary>
/// Checks <see cref="OrchestratorOptions"/> when a silo starts, not when a setting is first used: one line per problem,
/// naming the setting as configuration spells it (Orchestrator:CpuSlots).
/// </summary>
public sealed partial class OrchestratorOptionsValidator : IValidateOptions<OrchestratorOptions>
{
    public ValidateOptionsResult Validate(string? name, OrchestratorOptions options)
    {
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem; does nothing for valid options.</summary>
    public static void EnsureValid(OrchestratorOptions options)
    {
        var result = new OrchestratorOptionsValidator().Validate(null, options);
        if (result.Failed)
            throw new OptionsValidationException(OrchestratorOptions.Section, typeof(OrchestratorOptions), result.Failures);
    }

    private static IEnumerable<string> Problems(OrchestratorOptions o)
    {
        const string at = OrchestratorOptions.Section + ":";
        if (string.IsNullOrWhiteSpace(o.SiloName) || o.SiloName.Contains('/'))
            yield return $"{at}SiloName must be a non-empty name without '/' (got '{o.SiloName}').";
        if (o.Clustering is not ("localhost" or "redis"))
            yield return $"{at}Clustering must be localhost or redis (got '{o.Clustering}').";
        if (o.Clustering == "redis" && string.IsNullOrWhiteSpace(o.RedisConnection))
            yield return $"{at}Clustering=redis needs {at}RedisConnection (e.g. 127.0.0.1:6379).";
        if (o.SiloPort is < 1 or > 65535)
            yield return $"{at}SiloPort must be a port from 1 to 65535 (got {o.SiloPort}).";
        if (o.GatewayPort is < 1 or > 65535)
            yield return $"{at}GatewayPort must be a port from 1 to 65535 (got {o.GatewayPort}).";
        if (o.SiloPort == o.GatewayPort)
            yield return $"{at}SiloPort and {at}GatewayPort must differ (both {o.SiloPort}).";
        if (!IPAddress.TryParse(o.AdvertisedAddress, out _))
            yield return $"{at}AdvertisedAddress must be an IP address (got '{o.AdvertisedAddress}').";
        if (!Enum.IsDefined(o.Storage))
            yield return $"{at}Storage must be Local or Azure (got '{o.Storage}').";
        if (o.Storage == StorageKind.Local && string.IsNullOrWhiteSpace(o.LocalPath))
            yield return $"{at}Storage=Local needs {at}LocalPath.";
        if (o.Storage == StorageKind.Azure && string.IsNullOrWhiteSpace(o.ConnectionString) && string.IsNullOrWhiteSpace(o.AccountUrl))
            yield return $"{at}Storage=Azure needs {at}ConnectionString or {at}AccountUrl.";
        if (o.Storage == StorageKind.Azure && o.ConnectionString is { Length: > 0 } connection && !connection.Contains('='))
            yield return $"{at}ConnectionString is not an Azure Storage connection string (expected Key=Value;… pairs).";
        if (o.AccountUrl is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            yield return $"{at}AccountUrl must be an absolute URL like https://account.blob.core.windows.net (got '{url}').";
        // Grain state goes to "<Container>-state": both names must be valid Azure container names.
        if (o.Storage == StorageKind.Azure && !ContainerName().IsMatch(o.Container + "-state"))
            yield return $"{at}Container must be 3-57 characters of lowercase letters, digits and single hyphens, starting with a letter or digit (got '{o.Container}').";
        if (o.CpuSlots < 0)
            yield return $"{at}CpuSlots must be ≥ 0 (got {o.CpuSlots}).";
        if (o.CudaSlots < -1)
            yield return $"{at}CudaSlots must be ≥ 0, or -1 for one per detected device (got {o.CudaSlots}).";
        if (!(o.CudaMemoryGiB > 0))
            yield return $"{at}CudaMemoryGiB must be > 0 (each GPU's memory; got {o.CudaMemoryGiB}).";
        if (o.ThreadsPerTrial < 0)
            yield return $"{at}ThreadsPerTrial must be ≥ 0 (0 = TorchSharp's default; got {o.ThreadsPerTrial}).";
        if (string.IsNullOrWhiteSpace(o.WorkPath))
            yield return $"{at}WorkPath must name a folder.";
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
