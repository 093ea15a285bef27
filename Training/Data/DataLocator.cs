namespace Orchestrator.Training.Data;

/// <summary>
/// Finds the benchmark data every workload reads (the repository's <c>data/</c> folder: <c>sbibm/</c> and
/// <c>boltzmann/</c>). Looked up, in order: the folder named by <see cref="EnvironmentVariable"/>; <c>data/</c> beside
/// the running program (an installed or published tool carries its copy); <c>data/</c> in the repository holding the
/// program or the current directory (a clone). A missing folder or file is one <see cref="MissingDataException"/>
/// naming the path and what to do.
/// </summary>
public static class DataLocator
{
    /// <summary>Environment variable naming the data folder itself (the one holding <c>sbibm/</c> and <c>boltzmann/</c>).</summary>
    public const string EnvironmentVariable = "ORCHESTRATOR_DATA";

    private const string FolderName = "data";
    private const string SolutionFile = "Orchestrator.sln";

    /// <summary>The data folder (holds <c>sbibm/</c> and <c>boltzmann/</c>).</summary>
    public static string Root()
    {
        var overridePath = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            // An explicit override that is wrong is an error, not a reason to silently look elsewhere.
            var full = Path.GetFullPath(overridePath);
            return Directory.Exists(full)
                ? full
                : throw new MissingDataException(full, $"{EnvironmentVariable} names a folder that does not exist; point it at the folder holding sbibm/ and boltzmann/ or unset it");
        }
        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, FolderName) };
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            if (FindRepositoryRoot(start) is { } repository)
                candidates.Add(Path.Combine(repository, FolderName));
        }
        foreach (var candidate in candidates.Select(Path.GetFullPath).Distinct())
        {
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new MissingDataException(string.Join(" or ", candidates.Select(Path.GetFullPath).Distinct()),
            $"run from a clone of the repository (it ships data/) or set {EnvironmentVariable} to the folder holding sbibm/ and boltzmann/");
    }

    /// <summary>The sbibm folder (task folders, <c>aux/</c>, <c>published_c2st.csv</c>).</summary>
    public static string Sbibm() => Folder("sbibm");

    /// <summary>The Boltzmann-generator folder (DW4 and LJ13 splits as .npy).</summary>
    public static string Boltzmann() => Folder("boltzmann");

    /// <summary>A file of the Boltzmann data, e.g. <c>BoltzmannFile("train_split_DW4.npy")</c>; throws when missing.</summary>
    public static string BoltzmannFile(string name) => RequireFile(Path.Combine(Boltzmann(), name));

    /// <summary>The path itself when the file exists; otherwise a <see cref="MissingDataException"/> naming it.</summary>
    public static string RequireFile(string path) =>
        File.Exists(path) ? path : throw new MissingDataException(Path.GetFullPath(path), MissingFileAdvice);

    /// <summary>The folder containing Orchestrator.sln at or above <paramref name="start"/>, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                return dir.FullName;
        }
        return null;
    }

    private static string MissingFileAdvice =>
        $"restore it from the repository's data/ folder (git checkout -- data) or set {EnvironmentVariable} to a complete copy";

    private static string Folder(string name)
    {
        var folder = Path.Combine(Root(), name);
        return Directory.Exists(folder) ? folder : throw new MissingDataException(folder, MissingFileAdvice);
    }
}
