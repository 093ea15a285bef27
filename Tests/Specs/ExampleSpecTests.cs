using Orchestrator.Contracts.Specs;

namespace Orchestrator.Tests.Specs;

public class ExampleSpecTests
{
    private static string ExamplePath(string file)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orchestrator.sln")))
            directory = directory.Parent;
        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "examples", file);
    }

    [Theory]
    [InlineData("two-moons-beta.yaml", 10, 5)]
    [InlineData("sbi-grid.yaml", 96, 32)]
    public void Example_specs_parse_validate_and_expand(string file, int trials, int groups)
    {
        var spec = SweepSpecParser.ParseFile(ExamplePath(file));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), spec.Name);
        var expansion = SweepExpander.Expand(spec);
        Assert.Equal(trials, expansion.Trials.Count);
        Assert.Equal(groups, expansion.GroupCount);
        Assert.False(expansion.Truncated);
    }
}
