using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>
/// Config and group hashes name trials in the store: existing sweeps resume only if they never change. The values were
/// computed on main before the workload descriptor refactoring and must stay as they are.
/// </summary>
public class ConfigHashPinTests
{
    [Theory]
    [InlineData("two-moons-beta.yaml", 0, "5bfaa95701d81c52", "98e5951ee0d1f98d")]
    [InlineData("two-moons-beta.yaml", 9, "919aecabe8d1db6f", "76ec0c901d2b7391")]
    [InlineData("sbi-grid.yaml", 0, "8aebf070833332e6", "8cfca118fbe28e6d")]
    [InlineData("sbi-grid.yaml", 95, "233f5e3187be223f", "e373e383f226e452")]
    public void Example_spec_trials_keep_their_hashes(string file, int index, string configHash, string groupHash)
    {
        var trial = SweepExpander.Expand(SweepSpecParser.ParseFile(ExampleSpecTests.ExamplePath(file), BuiltInWorkloads.Registry), BuiltInWorkloads.Registry).Trials[index];
        Assert.Equal((configHash, groupHash), (trial.ConfigHash, trial.GroupHash));
    }

    [Fact]
    public void A_spec_setting_every_parameter_keeps_its_hash()
    {
        var spec = SweepSpecParser.Parse("""
            name: every-parameter
            workload: fff-sbi
            fixed:
              task: slcp
              budget: 10000
              lr: 2e-4
              weightDecay: 0
              batchSize: 64
              epochs: 30
              architecture: resnet-s
              identityInit: true
              hutchinson: 2
              posteriorSamples: 1000
              validationFraction: 0.2
            search:
              beta: { loguniform: [1, 100], count: 3 }
            seeds: [7]
            """, BuiltInWorkloads.Registry, "every.yaml");
        var hashes = SweepExpander.Expand(spec, BuiltInWorkloads.Registry).Trials.Select(t => t.ConfigHash).ToList();
        Assert.Equal(["0809f0b21331391e", "9b0538887e48c57a", "20473aa9092f05a6"], hashes);
    }
}
