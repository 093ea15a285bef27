using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Azure.Storage.Blobs;

namespace Orchestrator.Tests.Infrastructure;

/// <summary>
/// Starts a private Azurite blob server (azurite-blob from PATH, the repo's node_modules/.bin or npm's global bin)
/// on a free loopback port with a temporary workspace, and kills it on dispose. Missing Azurite is a failure with
/// install instructions, never a skip: storage tests must run against a real server.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    /// <summary>Azurite's well-known development account key (public, not a secret).</summary>
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _location;

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>A container name no other test uses (lowercase, Azure-valid).</summary>
    public static string NewContainerName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)];

    public BlobContainerClient Container(string name) => new BlobServiceClient(ConnectionString, Orchestrator.Grains.Storage.BlobStorageOptions.ClientOptions()).GetBlobContainerClient(name);

    public async Task InitializeAsync()
    {
        var executable = FindAzurite() ?? throw new InvalidOperationException(
            "Azurite is not installed: the storage tests need a real Azure Blob emulator. Install it with " +
            "'npm install -g azurite' (the CI script .ci/run does this), or 'npm install azurite' in the repository root.");
        _location = Directory.CreateTempSubdirectory("azurite-").FullName;

        // A free port can be taken between probing and binding: retry a few times with fresh ports.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            _process = Start(executable);
            if (await WaitUntilAnsweringAsync(_process))
            {
                return;
            }
            Kill();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite ({executable}) did not answer on port {Port}. Its output:\n{OutputText()}");
            }
        }
    }

    /// <summary>
    /// Stops the server (an outage); <see cref="RestartAsync"/> brings it back on the same port with the same data.
    /// SIGTERM, not SIGKILL: Azurite saves its blob metadata on a timer, so a hard kill loses writes it had already
    /// acknowledged — an outage that loses acknowledged data is not one real storage has.
    /// </summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                term.WaitForExit();
            if (process.WaitForExit(15_000))
                return;
        }
        Kill();
    }

    public async Task RestartAsync()
    {
        var executable = FindAzurite()!;
        _process = Start(executable);
        if (!await WaitUntilAnsweringAsync(_process))
            throw new InvalidOperationException($"Azurite did not come back on port {Port}. Its output:\n{OutputText()}");
    }

    public Task DisposeAsync()
    {
        Kill();
        if (_location is not null)
        {
            try
            {
                Directory.Delete(_location, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the dying process; the temp folder is cleaned by the OS later.
            }
        }
        return Task.CompletedTask;
    }

    private Process Start(string executable)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--silent", "--location", _location!, "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--disableTelemetry", // no --skipApiVersionCheck: the pinned service version must be one Azurite accepts
        })
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<bool> WaitUntilAnsweringAsync(Process process)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                // Any HTTP answer (even 4xx for an unsigned request) means the blob service is up.
                using var response = await http.GetAsync($"http://127.0.0.1:{Port}/devstoreaccount1?comp=list");
                return true;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(50);
            }
            catch (TaskCanceledException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }

    private void Kill()
    {
        if (_process is null)
        {
            return;
        }
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        _process = null;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string OutputText()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>PATH first, then the repository's node_modules/.bin, then npm's global bin folder.</summary>
    private static string? FindAzurite()
    {
        const string name = "azurite-blob";
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .ToList();
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            candidates.Add(Path.Combine(directory.FullName, "node_modules", ".bin", name));
        }
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }
        var prefix = NpmGlobalPrefix();
        return prefix is null ? null : new[] { Path.Combine(prefix, "bin", name), Path.Combine(prefix, name) }.FirstOrDefault(File.Exists);
    }

    private static string? NpmGlobalPrefix()
    {
        try
        {
            using var npm = Process.Start(new ProcessStartInfo("npm", "prefix -g")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (npm is null)
            {
                return null;
            }
            var prefix = npm.StandardOutput.ReadToEnd().Trim();
            npm.WaitForExit(10_000);
            return npm.ExitCode == 0 && prefix.Length > 0 ? prefix : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // npm itself is missing
        }
    }
}
