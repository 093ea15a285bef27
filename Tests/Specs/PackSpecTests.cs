using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.FffSbi;

namespace Orchestrator.Tests.Specs;

/// <summary><c>resources.pack</c>: off, auto or N; only for packable workloads; hashed only when on; the pack key.</summary>
public sealed class PackSpecTests
{
    private const string Header = "name: t\nworkload: fff-sbi\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        { Header + "resources: { pack: 0 }", "resources.pack", "off, auto or an integer from 1 to 256|got 0" },
        { Header + "resources: { pack: 257 }", "resources.pack", "off, auto or an integer from 1 to 256|got 257" },
        { Header + "resources: { pack: many }", "resources.pack", "off, auto or an integer|'many'" },
        { Header + "resources: { pack: 2.5 }", "resources.pack", "off, auto or an integer|2.5" },
        { "name: t\nworkload: smooth-flow\nresources: { pack: auto }", "resources.pack", "smooth-flow cannot train trials as packs|expected off|packable: fff-sbi" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_rule_reports_its_path_and_expectation(string yaml, string path, string keywords) =>
        SpecValidationTests.AssertRejected(yaml, path, keywords);

    [Theory]
    [InlineData("", ResourceSpec.PackOff)]
    [InlineData("resources: { pack: off }", ResourceSpec.PackOff)]
    [InlineData("resources: { pack: 1 }", ResourceSpec.PackOff)]
    [InlineData("resources: { pack: auto }", ResourceSpec.PackAuto)]
    [InlineData("resources: { pack: 16, device: cpu }", 16)]
    public void Pack_reads_off_auto_or_a_size(string yaml, int pack)
    {
        var spec = SweepSpecParser.Parse(Header + yaml, BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal(pack, spec.Resources.Pack);
    }

    [Fact]
    public void Packing_changes_the_spec_hash_only_when_on()
    {
        var plain = SweepSpecParser.Parse(Header, BuiltInWorkloads.Registry, "spec.yaml");
        var off = SweepSpecParser.Parse(Header + "resources: { pack: off }", BuiltInWorkloads.Registry, "spec.yaml");
        var auto = SweepSpecParser.Parse(Header + "resources: { pack: auto }", BuiltInWorkloads.Registry, "spec.yaml");
        Assert.Equal(plain.ContentHash(), off.ContentHash());
        Assert.DoesNotContain("pack", plain.ToCanonicalJson(), StringComparison.Ordinal);
        Assert.NotEqual(plain.ContentHash(), auto.ContentHash());
        Assert.Contains("\"pack\":\"auto\"", auto.ToCanonicalJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_pack_key_is_shared_by_trials_that_differ_only_in_per_member_parameters()
    {
        var spec = SweepSpecParser.Parse(Header + "search: { beta: [1, 25], lr: [0.001, 0.01], budget: [1000, 2000], architecture: [reference, resnet-s], batchSize: [64, 128] }\nseeds: [1, 2]",
            BuiltInWorkloads.Registry, "spec.yaml");
        var descriptor = FffSbiDescriptor.Instance;
        var source = TrialSources.Create(spec, BuiltInWorkloads.Registry);
        var keys = Enumerable.Range(0, 64).Select(_ => source.Next()!).ToList()
            .GroupBy(t => descriptor.PackKey(t.Parameters)).ToList();
        // Architecture and batch size split packs; β, lr, budget and seed do not: 2 × 2 keys of 16 trials each.
        Assert.Equal(4, keys.Count);
        Assert.All(keys, k => Assert.Equal(16, k.Count()));
        Assert.True(descriptor.Packable);
        Assert.False(BuiltInWorkloads.Registry.Get("smooth-flow").Packable);
        Assert.Null(BuiltInWorkloads.Registry.Get("smooth-flow").PackKey(keys[0].First().Parameters));
    }
}
