using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Contracts.Specs;
using Orchestrator.Grains.Storage;
using Orchestrator.Grains.Sweeps;
using Orchestrator.Training.Workloads;
using Orleans.Storage;

namespace Orchestrator.Tests.Storage;

/// <summary>
/// A sweep grain reloaded on another silo (its own silo died) reads its spec back from grain storage: every field must
/// survive the silo's grain-state serializer, or the reloaded sweep runs its remaining trials differently from the
/// submitted spec (found as a resumed trial whose C2ST was the mean over the default observations 1..5, not over [1]).
/// </summary>
public sealed class StoredSpecRoundTripTests
{
    [Theory]
    [InlineData("seeds: [3, 4]\nevaluation: { observations: [2, 7], shards: 2 }")]
    [InlineData("seeds: [9]\nevaluation: { observations: [1] }")]
    [InlineData("")] // the defaults: seeds [1], observations 1..5
    public void Every_field_of_a_stored_sweep_spec_reads_back_unchanged(string sections)
    {
        var spec = Parse(sections);

        var read = RoundTrip(OrchestratorSerializer(), new SweepDefinitionState { Spec = spec, SpecHash = "h" }).Spec!;

        Assert.Equal(spec.Evaluation.Observations, read.Evaluation.Observations);
        Assert.Equal(spec.Seeds, read.Seeds);
        Assert.Equal(SpecCanonical.Write(spec), SpecCanonical.Write(read));
    }

    [Fact]
    public void A_spec_stored_before_the_fix_loads_with_what_was_stored()
    {
        // Written with Orleans' default settings: the default seeds under the compiler's type name, observations [1].
        var spec = Parse("evaluation: { observations: [1] }");
        var stored = SiloSerializer(_ => { }).Serialize(new SweepDefinitionState { Spec = spec });
        Assert.Contains("<>z__", stored.ToString(), StringComparison.Ordinal);

        var read = OrchestratorSerializer().Deserialize<SweepDefinitionState>(stored)!.Spec!;

        Assert.Equal([1], read.Seeds);
        Assert.Equal([1], read.Evaluation.Observations);
        Assert.Equal(SpecCanonical.Write(spec), SpecCanonical.Write(read));
    }

    private static SweepSpec Parse(string sections) => SweepSpecParser.Parse($$"""
            name: round-trip
            workload: fff-sbi
            fixed: { task: two_moons, budget: 400, epochs: 8, batchSize: 32, posteriorSamples: 500 }
            search:
              beta: [1, 5, 25]
            {{sections}}
            """, BuiltInWorkloads.Registry, "spec.yaml");

    private static T RoundTrip<T>(IGrainStorageSerializer serializer, T value) => serializer.Deserialize<T>(serializer.Serialize(value))!;

    /// <summary>The serializer of an orchestrator silo (the one LocalFileGrainStorage and BlobGrainStorage use).</summary>
    public static IGrainStorageSerializer OrchestratorSerializer() => SiloSerializer(services => services.AddGrainStateJson());

    private static IGrainStorageSerializer SiloSerializer(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo => silo.UseLocalhostClustering().ConfigureServices(configure));
        using var host = builder.Build();
        return host.Services.GetRequiredService<IGrainStorageSerializer>();
    }
}
