using Orchestrator.Training.Sbi;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Sbi;

/// <summary>Loading the shared sbibm data: observations, reference samples, the published C2ST table.</summary>
public sealed class SbiReferenceDataTests
{
    [Fact]
    public void Every_task_has_five_observations_with_ten_thousand_reference_samples()
    {
        foreach (var name in SbiTasks.Names)
        {
            var task = SbiTasks.Get(name);
            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, SbiReferenceData.ObservationNumbers(name));
            using var samples = SbiReferenceData.ReferencePosterior(name, 1);
            Assert.Equal(new long[] { 10_000, task.ThetaDim }, samples.shape);
            Assert.Equal(ScalarType.Float64, samples.dtype);
            using var xo = SbiReferenceData.Observation(name, 5);
            Assert.Equal(new long[] { 1, task.XDim }, xo.shape);
            using var theta = SbiReferenceData.TrueParameters(name, 5);
            Assert.Equal(new long[] { 1, task.ThetaDim }, theta.shape);
            Assert.True(task.InPriorSupport(theta).item<bool>());
        }
    }

    [Fact]
    public void Missing_task_folder_names_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-sbibm-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<DirectoryNotFoundException>(() => SbiReferenceData.ReferencePosterior("two_moons", 1, missing));
        Assert.Contains(Path.Combine(missing, "two_moons"), error.Message);
        var c2st = Assert.Throws<FileNotFoundException>(() => PublishedC2st.Load(missing));
        Assert.Contains(missing, c2st.Message);
    }

    [Fact]
    public void Missing_and_malformed_files_are_named()
    {
        var root = Path.Combine(Path.GetTempPath(), "sbibm-test-" + Guid.NewGuid().ToString("N"));
        var dir = Path.Combine(root, "two_moons", "num_observation_1");
        Directory.CreateDirectory(dir);
        try
        {
            var observation = Path.Combine(dir, "observation.csv");
            File.WriteAllText(observation, "data_1,data_2\n0.5,abc\n");
            var bad = Assert.Throws<InvalidDataException>(() => SbiReferenceData.ObservationArray("two_moons", 1, root));
            Assert.Contains(observation, bad.Message);
            var missing = Assert.Throws<FileNotFoundException>(() => SbiReferenceData.TrueParametersArray("two_moons", 1, root));
            Assert.Contains(Path.Combine(dir, "true_parameters.csv"), missing.Message);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Published_npe_numbers_match_the_spec_table()
    {
        var table = PublishedC2st.Load();
        Assert.Equal(264, table.Count);
        Assert.Equal(0.725, PublishedC2st.Npe("two_moons", 1000, table).Mean, 0.001);
        Assert.Equal(0.506, PublishedC2st.Npe("gaussian_linear", 100_000, table).Mean, 0.001);
        Assert.Equal(0.981, PublishedC2st.Npe("lotka_volterra", 100_000, table).Mean, 0.001);
        // gaussian_mixture uses the rerun rows (.716, not the main-paper .731).
        var mixture = PublishedC2st.Npe("gaussian_mixture", 1000, table);
        Assert.Equal(0.716, mixture.Mean, 0.001);
        Assert.Contains("gaussian_mixture_rerun", mixture.Source);
        Assert.Equal(10, mixture.Observations);
        Assert.Throws<ArgumentException>(() => PublishedC2st.Npe("two_moons", 123, table));
    }
}
