using Orchestrator.Training.Data;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// Checks, before any simulation or training, that every data file a trial of a task will read is present, so a
/// wrong data path costs seconds, not a finished training run.
/// </summary>
public static class SbiDataCheck
{
    private static readonly string[] ObservationFiles = ["observation.csv", "reference_posterior_samples.csv.gz"];

    /// <summary>Throws a <see cref="MissingDataException"/> naming the first missing file.</summary>
    public static void Require(string task, IEnumerable<int> observations)
    {
        var root = DataLocator.Sbibm();
        foreach (var aux in AuxFiles(task))
            DataLocator.RequireFile(Path.Combine(root, "aux", aux));
        foreach (var number in observations)
        {
            foreach (var file in ObservationFiles)
                DataLocator.RequireFile(Path.Combine(root, task, $"num_observation_{number}", file));
        }
    }

    private static string[] AuxFiles(string task) => task switch
    {
        "bernoulli_glm" or "bernoulli_glm_raw" => ["bernoulli_glm_design_matrix.csv"],
        "slcp_distractors" => ["slcp_distractors_gmm_loc.csv", "slcp_distractors_gmm_scale_tril.csv.gz", "slcp_distractors_permutation_idx.csv"],
        _ => [],
    };
}
