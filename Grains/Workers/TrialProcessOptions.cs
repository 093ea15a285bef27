namespace Orchestrator.Grains.Workers;

/// <summary>How a <see cref="TrialProcess"/> starts its child and how long it waits for it.</summary>
public sealed record TrialProcessOptions
{
    private const string TrialHostAssembly = "Orchestrator.TrialHost";

    /// <summary>The executable (default: see <see cref="Default"/>).</summary>
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    /// <summary>Null keeps the parent's working directory.</summary>
    public string? WorkingDirectory { get; init; }
    /// <summary>Variables set (or, with a null value, removed) in the child's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    /// <summary>How long the child may take to say Ready (loading the runtime and TorchSharp).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long a Shutdown may take before the child is killed.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Stderr lines kept for the report of a death.</summary>
    public int StderrTailLines { get; init; } = 40;
    /// <summary>Receives every stderr line of the child (e.g. to log it); called on a pool thread.</summary>
    public Action<string>? StderrLine { get; init; }

    /// <summary>
    /// <c>dotnet &lt;AppContext.BaseDirectory&gt;/Orchestrator.TrialHost.dll</c>: the trial host installed beside the
    /// silo, the CLI and the tests (each references the TrialHost project).
    /// </summary>
    public static TrialProcessOptions Default() => new()
    {
        FileName = DotnetHost(System.Environment.ProcessPath),
        Arguments = [Path.Combine(AppContext.BaseDirectory, TrialHostAssembly + ".dll")],
    };

    private static bool IsDotnetHost(string path) =>
        Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase);

    // The same muxer as this process where possible (test hosts and the SDK set DOTNET_HOST_PATH), else PATH's.
    private static string DotnetHost(string? processPath)
    {
        if (processPath is not null && IsDotnetHost(processPath))
            return processPath;
        var hostPath = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
