using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

public class ExampleSpecTests
{
    internal static string ExamplePath(string file) => Path.Combine(RepoRoot(), "examples", file);

    internal static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return directory.FullName;
    }

    [Theory]
    [InlineData("two-moons-beta.yaml", 10, 5)]
    [InlineData("sbi-grid.yaml", 96, 32)]
    [InlineData("ecnf-bg.yaml", 4, 2)]
    [InlineData("fff-bg-dw4-paper.yaml", 1, 1)]
    [InlineData("fff-bg-lj13-paper.yaml", 1, 1)]
    [InlineData("fff-bg-dw4-beta.yaml", 6, 3)]
    [InlineData("fff-sbi-paper.yaml", 6300, 6300)]
    [InlineData("fff-sbi-asha.yaml", 60, 60)]
    [InlineData("fff-sbi-asha-quick.yaml", 12, 12)]
    public void Example_specs_parse_validate_and_expand(string file, int trials, int groups)
    {
        var spec = SweepSpecParser.ParseFile(ExamplePath(file), BuiltInWorkloads.Registry);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), spec.Name);
        var expansion = SweepExpander.Expand(spec, BuiltInWorkloads.Registry);
        Assert.Equal(trials, expansion.Trials.Count);
        Assert.Equal(groups, expansion.GroupCount);
        Assert.False(expansion.Truncated);
    }

    [Fact]
    public void The_readme_spec_parses_and_expands()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "Contracts", "Specs", "README.md"));
        var start = readme.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length;
        var yaml = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var expansion = SweepExpander.Expand(SweepSpecParser.Parse(yaml, BuiltInWorkloads.Registry, "readme.yaml"), BuiltInWorkloads.Registry);
        Assert.Equal(100, expansion.Trials.Count); // 5 β × 2 architectures × 3 lr × 3 weight decay × 4 batch sizes × 2 seeds = 720, capped
        Assert.Equal(620, expansion.TruncatedBy);
    }

    [Fact]
    public void The_paper_grid_runs_under_asha_on_validation_nll_per_task_and_budget_ranked_by_c2st()
    {
        foreach (var file in new[] { "fff-sbi-paper.yaml", "fff-sbi-asha.yaml" })
        {
            var spec = SweepSpecParser.ParseFile(ExamplePath(file), BuiltInWorkloads.Registry);
            var workload = BuiltInWorkloads.Registry.Get(spec.Workload);
            Assert.Equal(SchedulerKind.Asha, spec.Scheduler!.Kind);
            Assert.Equal(("c2st", "valNll"), (Objective.Of(spec, workload)!.Name, Objective.OfScheduler(spec, workload)!.Name));
            Assert.True(Objective.OfScheduler(spec, workload)!.PerEpoch);
        }
        var paper = SweepSpecParser.ParseFile(ExamplePath("fff-sbi-paper.yaml"), BuiltInWorkloads.Registry);
        Assert.Equal(["task", "budget"], paper.Scheduler!.GroupBy);
        Assert.Equal(10, paper.Search["task"].Values.Count);
    }
}
