using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orchestrator.Grains.Storage;

/// <summary>
/// <see cref="IGrainStorage"/> over Azure Blob Storage with the official AzureBlobGrainStorage semantics (that
/// package is not on our feed): one blob "{stateName}-{grainId}.json" per state, optimistic concurrency on the
/// blob ETag (If-None-Match:* for the first write, If-Match afterwards), 409/412 → <see cref="InconsistentStateException"/>
/// so the runtime deactivates the grain and it reloads.
/// </summary>
public sealed partial class BlobGrainStorage : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly string _name;
    private readonly BlobStorageOptions _options;
    private readonly BlobContainerClient _container;
    private readonly IGrainStorageSerializer _serializer;
    private readonly ILogger<BlobGrainStorage> _logger;

    public BlobGrainStorage(string name, BlobStorageOptions options, IGrainStorageSerializer serializer, ILogger<BlobGrainStorage> logger)
    {
        _name = name;
        _options = options;
        _container = options.CreateContainerClient();
        _serializer = serializer;
        _logger = logger;
    }

    /// <summary>Factory for <c>AddGrainStorage</c>: returns the concrete type so the silo sees the lifecycle participant.</summary>
    public static BlobGrainStorage Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<BlobStorageOptions>>().Get(name);
        var serializer = options.GrainStorageSerializer ?? services.GetRequiredService<IGrainStorageSerializer>();
        return new BlobGrainStorage(name, options, serializer, services.GetRequiredService<ILogger<BlobGrainStorage>>());
    }

    /// <summary>The container this provider writes to.</summary>
    public string ContainerName => _container.Name;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainBlobNames.For(stateName, grainId));
        BlobDownloadResult download;
        try
        {
            download = (await blob.DownloadContentAsync(cancellationToken)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Missing blob or missing container: the grain has never been written.
            grainState.State = CreateDefault<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.ETag = download.Details.ETag.ToString();
        if (download.Content.ToMemory().IsEmpty)
        {
            // An empty blob is a cleared record that still carries an ETag for the next conditional write.
            grainState.State = CreateDefault<T>();
            grainState.RecordExists = false;
            return;
        }
        grainState.State = _serializer.Deserialize<T>(download.Content) ?? CreateDefault<T>();
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainBlobNames.For(stateName, grainId));
        var contents = _serializer.Serialize(grainState.State);
        var upload = new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
            Conditions = ConditionsFor(grainState.ETag),
        };
        Response<BlobContentInfo> response;
        try
        {
            response = await UploadCreatingContainer(blob, contents, upload, cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConcurrencyConflict(ex))
        {
            LogConflict(_name, "write", blob.Name, grainState.ETag, ex.Status);
            throw Inconsistent(blob, grainState.ETag, ex);
        }
        grainState.ETag = response.Value.ETag.ToString();
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(GrainBlobNames.For(stateName, grainId));
        try
        {
            // With no ETag we believe nothing is stored: If-None-Match:* fails if someone else wrote meanwhile.
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, ConditionsFor(grainState.ETag), cancellationToken);
        }
        catch (RequestFailedException ex) when (IsConcurrencyConflict(ex))
        {
            LogConflict(_name, "clear", blob.Name, grainState.ETag, ex.Status);
            throw Inconsistent(blob, grainState.ETag, ex);
        }
        grainState.State = CreateDefault<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(BlobGrainStorage)}-{_name}", _options.InitStage, InitAsync);

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        LogInitialized(_name, _container.Name);
    }

    private async Task<Response<BlobContentInfo>> UploadCreatingContainer(
        BlobClient blob, BinaryData contents, BlobUploadOptions upload, CancellationToken cancellationToken)
    {
        try
        {
            return await blob.UploadAsync(contents, upload, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Outside a silo (or if the container was deleted) nothing created it yet: create on first use.
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            return await blob.UploadAsync(contents, upload, cancellationToken);
        }
    }

    private static BlobRequestConditions ConditionsFor(string? etag) => string.IsNullOrEmpty(etag)
        ? new BlobRequestConditions { IfNoneMatch = ETag.All }
        : new BlobRequestConditions { IfMatch = new ETag(etag) };

    private static bool IsConcurrencyConflict(RequestFailedException ex) =>
        ex.Status is 412 or 409 && ex.ErrorCode != BlobErrorCode.ContainerBeingDeleted;

    private static InconsistentStateException Inconsistent(BlobClient blob, string? etag, Exception inner) =>
        new($"Blob storage condition not satisfied: blob '{blob.Name}' in container '{blob.BlobContainerName}' changed since ETag '{etag}' was read.",
            "Unknown", etag ?? "", inner);

    /// <summary>Default state: the parameterless constructor where there is one (field initializers run).</summary>
    private static T CreateDefault<T>()
    {
        var type = typeof(T);
        if (type.IsValueType)
        {
            return default!;
        }
        return type.GetConstructor(Type.EmptyTypes) is not null
            ? Activator.CreateInstance<T>()
            : (T)RuntimeHelpers.GetUninitializedObject(type);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Blob grain storage {Provider} ready on container {Container}")]
    private partial void LogInitialized(string provider, string container);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Blob grain storage {Provider}: {Operation} of {Blob} with ETag {ETag} lost a concurrency check ({Status})")]
    private partial void LogConflict(string provider, string operation, string blob, string? etag, int status);
}
