namespace Orchestrator.Training.Sbi;

/// <summary>
/// Locates the read-only sbibm data shared beside the repository (../shared/data/sbibm from the folder holding
/// Orchestrator.sln). The data is never copied into the repository, so it is found at run time.
/// </summary>
public static class SharedData
{
    /// <summary>Environment variable that overrides the sbibm data folder.</summary>
    public const string EnvironmentVariable = "ORCHESTRATOR_SHARED_DATA";

    private const string SolutionFile = "Orchestrator.sln";

    /// <summary>The sbibm data folder; throws DirectoryNotFoundException naming every path tried.</summary>
    public static string SbibmRoot()
    {
        var tried = new List<string>();
        var overridePath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            var full = Path.GetFullPath(overridePath);
            if (Directory.Exists(full))
            {
                return full;
            }
            // An explicit override that is wrong is an error, not a reason to silently look elsewhere.
            throw new DirectoryNotFoundException(
                $"sbibm shared data not found: {EnvironmentVariable} is set to '{full}', which does not exist.");
        }

        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            var repoRoot = FindRepositoryRoot(start);
            if (repoRoot is null)
            {
                tried.Add($"(no {SolutionFile} above {start})");
                continue;
            }
            var candidate = Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "data", "sbibm"));
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            tried.Add(candidate);
        }
        throw new DirectoryNotFoundException(
            $"sbibm shared data not found; tried: {string.Join(", ", tried.Distinct())}. " +
            $"Set {EnvironmentVariable} to the folder holding the sbibm task folders.");
    }

    /// <summary>The folder containing Orchestrator.sln at or above <paramref name="start"/>, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
