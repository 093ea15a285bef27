using Orchestrator.Training.Sbi;

namespace Orchestrator.Tests.Sbi;

/// <summary>Runs alone: it changes a process-wide environment variable that other tests read.</summary>
[CollectionDefinition(nameof(SharedDataOverrideCollection), DisableParallelization = true)]
public sealed class SharedDataOverrideCollection;

[Collection(nameof(SharedDataOverrideCollection))]
public sealed class SharedDataOverrideTests
{
    [Fact]
    public void Environment_variable_overrides_the_location_and_a_wrong_one_is_named()
    {
        var previous = Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable);
        var real = SharedData.SbibmRoot();
        var bogus = Path.Combine(Path.GetTempPath(), "no-sbibm-" + Guid.NewGuid().ToString("N"));
        try
        {
            Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, real);
            Assert.Equal(real, SharedData.SbibmRoot());
            Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, bogus);
            var error = Assert.Throws<DirectoryNotFoundException>(SharedData.SbibmRoot);
            Assert.Contains(bogus, error.Message);
            Assert.Contains(SharedData.EnvironmentVariable, error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, previous);
        }
    }
}
