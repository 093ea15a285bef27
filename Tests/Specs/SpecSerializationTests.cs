using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using Orleans.Serialization;

namespace Orchestrator.Tests.Specs;

public class SpecSerializationTests
{
    private static readonly Serializer s_serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(SweepSpec).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => s_serializer.Deserialize<T>(s_serializer.SerializeToArray(value))!;

    [Fact]
    public void Specs_and_trials_survive_orleans_serialization()
    {
        var spec = SweepSpecParser.Parse(SpecParsingTests.Yaml, BuiltInWorkloads.Registry);
        var copy = RoundTrip(spec);
        Assert.Equal(spec, copy);
        Assert.Equal(spec.ContentHash(), copy.ContentHash());

        var trial = SweepExpander.Expand(spec, BuiltInWorkloads.Registry).Trials[3];
        var trialCopy = RoundTrip(trial);
        Assert.Equal(trial, trialCopy);
        Assert.Equal(trial.Parameters.OrderBy(p => p.Key), trialCopy.Parameters.OrderBy(p => p.Key));

        var expansion = RoundTrip(SweepExpander.Expand(spec, BuiltInWorkloads.Registry));
        Assert.Equal(40, expansion.Trials.Count);
    }

    [Fact]
    public void Validation_errors_survive_orleans_serialization()
    {
        var error = Assert.Throws<SpecValidationException>(() => SweepSpecParser.Parse("name: t\nworkload: fff-sbi\nseeds: []", BuiltInWorkloads.Registry));
        var copy = RoundTrip(error);
        Assert.Equal(error.Errors, copy.Errors);
        Assert.Equal(error.Message, copy.Message);
    }
}
