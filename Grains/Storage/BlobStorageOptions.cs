using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Orleans;
using Orleans.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// Where blobs live: either <see cref="ConnectionString"/> (Azurite, account keys) or <see cref="AccountUri"/>
/// with <see cref="Credential"/> (default: <see cref="DefaultAzureCredential"/>), plus the container name.
/// Shared by <see cref="BlobGrainStorage"/> and <see cref="BlobResultStore"/>.
/// </summary>
public sealed class BlobStorageOptions
{
    /// <summary>Connection string, e.g. Azurite's; mutually exclusive with <see cref="AccountUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Blob service endpoint, e.g. https://account.blob.core.windows.net; authenticated by <see cref="Credential"/>.</summary>
    public Uri? AccountUri { get; set; }

    /// <summary>Token credential for <see cref="AccountUri"/>; null means <see cref="DefaultAzureCredential"/>.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Container name (3-63 characters: lowercase letters, digits, single hyphens).</summary>
    public string ContainerName { get; set; } = "grainstate";

    /// <summary>Grain state serializer; null means the silo's registered <see cref="IGrainStorageSerializer"/>.</summary>
    public IGrainStorageSerializer? GrainStorageSerializer { get; set; }

    /// <summary>Silo lifecycle stage at which the container is created.</summary>
    public int InitStage { get; set; } = ServiceLifecycleStage.ApplicationServices;

    /// <summary>Builds the container client these options describe; throws when they are incomplete or ambiguous.</summary>
    public BlobContainerClient CreateContainerClient()
    {
        ValidateContainerName(ContainerName);
        BlobServiceClient service;
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            if (AccountUri is not null)
            {
                throw new InvalidOperationException("Blob storage: set either ConnectionString or AccountUri, not both.");
            }
            service = new BlobServiceClient(ConnectionString, ClientOptions());
        }
        else if (AccountUri is not null)
        {
            service = new BlobServiceClient(AccountUri, Credential ?? new DefaultAzureCredential(), ClientOptions());
        }
        else
        {
            throw new InvalidOperationException("Blob storage: set ConnectionString or AccountUri.");
        }
        return service.GetBlobContainerClient(ContainerName);
    }

    /// <summary>
    /// The blob service version every client speaks: pinned to one that Azurite 3.35 (the README's) and Azure both
    /// accept, so a newer SDK does not ask the emulator for an API version it rejects ("API version … not supported").
    /// </summary>
    public const BlobClientOptions.ServiceVersion ServiceVersion = BlobClientOptions.ServiceVersion.V2025_11_05;

    /// <summary>Client options with the pinned <see cref="ServiceVersion"/>.</summary>
    public static BlobClientOptions ClientOptions() => new(ServiceVersion);

    /// <summary>Azure's container naming rule, checked up front so a typo fails at startup, not at first write.</summary>
    public static void ValidateContainerName(string name)
    {
        var ok = name is { Length: >= 3 and <= 63 }
            && (char.IsAsciiLetterLower(name[0]) || char.IsAsciiDigit(name[0]))
            && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal)
            && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
        if (!ok)
        {
            throw new ArgumentException(
                $"Invalid blob container name '{name}': 3-63 lowercase letters, digits and single hyphens, starting with a letter or digit.",
                nameof(name));
        }
    }
}
