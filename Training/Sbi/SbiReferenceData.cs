using Orchestrator.Training.Data;
using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// Reads the sbibm observations, true parameters and reference posterior samples of a task from the data folder
/// (&lt;root&gt;/&lt;task&gt;/num_observation_k/...). All tensors are float64.
/// </summary>
public static class SbiReferenceData
{
    private const string ObservationPrefix = "num_observation_";

    /// <summary>The folder of one task; throws when it is missing, naming the path.</summary>
    public static string TaskFolder(string task, string? root = null)
    {
        var folder = Path.Combine(root ?? DataLocator.Sbibm(), task);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"sbibm task folder not found: {folder}");
        }
        return folder;
    }

    /// <summary>The observation numbers present for a task, ascending (1..5 in data/sbibm).</summary>
    public static int[] ObservationNumbers(string task, string? root = null)
    {
        var folder = TaskFolder(task, root);
        var numbers = Directory.GetDirectories(folder, ObservationPrefix + "*")
            .Select(d => Path.GetFileName(d)[ObservationPrefix.Length..])
            .Select(s => int.TryParse(s, out var k) ? k : -1)
            .Where(k => k > 0)
            .Order()
            .ToArray();
        if (numbers.Length == 0)
        {
            throw new InvalidDataException($"no {ObservationPrefix}k folders in {folder}");
        }
        return numbers;
    }

    /// <summary>Observed x_o as a flat array.</summary>
    public static double[] ObservationArray(string task, int number, string? root = null) =>
        SingleRow(File(task, number, "observation.csv", root));

    /// <summary>Observed x_o: [1, XDim].</summary>
    public static Tensor Observation(string task, int number, string? root = null)
    {
        var x = ObservationArray(task, number, root);
        return tensor(x, new long[] { 1, x.Length }, ScalarType.Float64);
    }

    /// <summary>The parameter that generated x_o as a flat array.</summary>
    public static double[] TrueParametersArray(string task, int number, string? root = null) =>
        SingleRow(File(task, number, "true_parameters.csv", root));

    /// <summary>The parameter that generated x_o: [1, ThetaDim].</summary>
    public static Tensor TrueParameters(string task, int number, string? root = null)
    {
        var theta = TrueParametersArray(task, number, root);
        return tensor(theta, new long[] { 1, theta.Length }, ScalarType.Float64);
    }

    /// <summary>The reference posterior samples: [10000, ThetaDim].</summary>
    public static Tensor ReferencePosterior(string task, int number, string? root = null)
    {
        var csv = CsvMatrix.Read(File(task, number, "reference_posterior_samples.csv.gz", root), hasHeader: true);
        return tensor(csv.Flatten(), new long[] { csv.Rows.Length, csv.Columns }, ScalarType.Float64);
    }

    private static string File(string task, int number, string name, string? root) =>
        Path.Combine(TaskFolder(task, root), ObservationPrefix + number, name);

    private static double[] SingleRow(string path)
    {
        var csv = CsvMatrix.Read(path, hasHeader: true);
        if (csv.Rows.Length != 1)
        {
            throw new InvalidDataException($"{path}: expected one data row, found {csv.Rows.Length}.");
        }
        return csv.Rows[0];
    }
}
