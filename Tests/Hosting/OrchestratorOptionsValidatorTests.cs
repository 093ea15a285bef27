using Microsoft.Extensions.Options;
using Orchestrator.Grains.Hosting;

namespace Orchestrator.Tests.Hosting;

public class OrchestratorOptionsValidatorTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new OrchestratorOptionsValidator().Validate(null, new OrchestratorOptions()).Succeeded);
        Assert.True(new OrchestratorOptionsValidator().Validate(null, new OrchestratorOptions
        {
            Storage = StorageKind.Azure, ConnectionString = "UseDevelopmentStorage=true", Clustering = "redis", RedisConnection = "127.0.0.1:6379",
        }).Succeeded);
    }

    [Fact]
    public void Every_problem_is_one_line_naming_the_setting()
    {
        var result = new OrchestratorOptionsValidator().Validate(null, new OrchestratorOptions
        {
            Clustering = "redis",
            SiloPort = 30000,
            GatewayPort = 30000,
            Storage = StorageKind.Azure,
            Container = "Bad_Name",
            CpuSlots = -1,
            CudaMemoryGiB = 0,
            AdvertisedAddress = "somewhere",
        });
        Assert.True(result.Failed);
        Assert.Equal(
        [
            "Orchestrator:Clustering=redis needs Orchestrator:RedisConnection (e.g. 127.0.0.1:6379).",
            "Orchestrator:SiloPort and Orchestrator:GatewayPort must differ (both 30000).",
            "Orchestrator:AdvertisedAddress must be an IP address (got 'somewhere').",
            "Orchestrator:Storage=Azure needs Orchestrator:ConnectionString or Orchestrator:AccountUrl.",
            "Orchestrator:Container must be 3-57 characters of lowercase letters, digits and single hyphens, starting with a letter or digit (got 'Bad_Name').",
            "Orchestrator:CpuSlots must be ≥ 0 (got -1).",
            "Orchestrator:CudaMemoryGiB must be > 0 (each GPU's memory; got 0).",
        ], result.Failures);
    }

    [Fact]
    public void A_silo_with_invalid_options_is_refused_while_it_is_built()
    {
        var error = Assert.Throws<OptionsValidationException>(() => OrchestratorOptionsValidator.EnsureValid(new OrchestratorOptions { ThreadsPerTrial = -2 }));
        Assert.Equal(["Orchestrator:ThreadsPerTrial must be ≥ 0 (0 = TorchSharp's default; got -2)."], error.Failures);
    }
}
