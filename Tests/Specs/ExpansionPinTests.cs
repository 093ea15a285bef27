using System.Security.Cryptography;
using System.Text;
using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>
/// Every trial of a grid and of a random search (duplicates, a cap, continuous and discrete dimensions) keeps its
/// position, config hash and group hash: pinned as one digest per spec, computed with the list-expanding code of
/// main before sweeps became an index space. Existing stores name their trials by these hashes.
/// </summary>
public class ExpansionPinTests
{
    public static readonly TheoryData<string, string, int, string, string> Specs = new()
    {
        {
            "grid-with-repeats", """
            search:
              beta: [1, 5, 1, 25, 5.0]
              lr: { loguniform: [1e-4, 1e-3], count: 3 }
              batchSize: { int: [64, 256], step: 64 }
            seeds: [3, 1, 2]
            """, 108, "bb3f68566d92d67b", "planned=180 dup=72 trunc=0"
        },
        {
            "grid-capped", """
            search:
              beta: [1, 5, 25]
              architecture: { choice: [reference, resnet-s] }
            seeds: [1, 2]
            limits: { maxTrials: 7 }
            """, 7, "e7b50dbfa1a55315", "planned=12 dup=0 trunc=5"
        },
        {
            "random-discrete", """
            search:
              beta: [1, 5, 25]
              architecture: { choice: [reference, resnet-s] }
              batchSize: { int: [64, 128], step: 64 }
            seeds: [1, 2]
            strategy: { random: 200, seed: 11 }
            """, 24, "a357b424c1ce3156", "planned=400 dup=376 trunc=0"
        },
        {
            "random-continuous", """
            search:
              beta: { loguniform: [1, 1000] }
              lr: { uniform: [1e-4, 1e-3] }
            seeds: [5]
            strategy: { random: 400, seed: 3 }
            limits: { maxTrials: 350 }
            """, 350, "cd13ab23a0b61d09", "planned=400 dup=0 trunc=50"
        },
    };

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_trial_keeps_its_position_and_hashes(string name, string body, int count, string digest, string counts)
    {
        var expansion = SweepExpander.Expand(Parse(name, body), BuiltInWorkloads.Registry);
        Assert.Equal((count, digest), (expansion.Trials.Count, Digest(expansion.Trials)));
        Assert.Equal(counts, $"planned={expansion.Planned} dup={expansion.DuplicatesRemoved} trunc={expansion.TruncatedBy}");
    }

    public static SweepSpec Parse(string name, string body) =>
        SweepSpecParser.Parse($"name: {name}\nworkload: fff-sbi\nfixed: {{ task: two_moons, budget: 200 }}\n{body}", BuiltInWorkloads.Registry, "spec.yaml");

    public static string Digest(IEnumerable<TrialSpec> trials)
    {
        var text = new StringBuilder();
        foreach (var t in trials)
            text.Append(t.Index).Append(':').Append(t.ConfigHash).Append(':').Append(t.GroupHash).Append(':').Append(t.Seed).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
    }
}
