using Orchestrator.Training.Data;
using Orchestrator.Training.Sbi;

namespace Orchestrator.Tests.Data;

/// <summary>Runs alone: it changes a process-wide environment variable that other tests read.</summary>
[CollectionDefinition(nameof(DataLocatorCollection), DisableParallelization = true)]
public sealed class DataLocatorCollection;

[Collection(nameof(DataLocatorCollection))]
public sealed class DataLocatorTests
{
    [Fact]
    public void Tests_read_the_repository_copy_of_the_data()
    {
        var repository = DataLocator.FindRepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(repository);
        Assert.Equal(Path.Combine(repository, "data"), DataLocator.Root());
        Assert.True(File.Exists(Path.Combine(DataLocator.Sbibm(), "published_c2st.csv")));
        Assert.Equal(3_200_128, new FileInfo(DataLocator.BoltzmannFile("train_split_DW4.npy")).Length);
    }

    [Fact]
    public void Environment_variable_names_the_data_folder_and_a_wrong_one_is_one_line_naming_it()
    {
        var previous = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);
        var real = DataLocator.Root();
        var bogus = Path.Combine(Path.GetTempPath(), "no-data-" + Guid.NewGuid().ToString("N"));
        try
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, real);
            Assert.Equal(Path.Combine(real, "sbibm"), DataLocator.Sbibm());
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, bogus);
            var error = Assert.Throws<MissingDataException>(DataLocator.Sbibm);
            Assert.Contains(bogus, error.Message);
            Assert.Contains(DataLocator.EnvironmentVariable, error.Message);
            Assert.DoesNotContain('\n', error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, previous);
        }
    }

    [Fact]
    public void A_missing_observation_file_is_found_before_any_training()
    {
        var previous = Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable);
        var partial = Path.Combine(Path.GetTempPath(), "partial-data-" + Guid.NewGuid().ToString("N"));
        var observation = Path.Combine(partial, "sbibm", "two_moons", "num_observation_1");
        Directory.CreateDirectory(observation);
        File.Copy(Path.Combine(DataLocator.Sbibm(), "two_moons", "num_observation_1", "observation.csv"), Path.Combine(observation, "observation.csv"));
        try
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, partial);
            var config = new Training.Trials.TrialConfig { Task = "two_moons", Budget = 100, Observations = [1] };
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var error = Assert.Throws<MissingDataException>(() => Training.Trials.TrialRunner.Train(config));
            Assert.Contains(Path.Combine(observation, "reference_posterior_samples.csv.gz"), error.Message);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the check took {clock.Elapsed}: it must come before training");
            Assert.Throws<MissingDataException>(() => SbiDataCheck.Require("slcp_distractors", [1]));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataLocator.EnvironmentVariable, previous);
            Directory.Delete(partial, recursive: true);
        }
    }
}
