using System.Text.Json;
using Orchestrator.Client.Cli;
using Orchestrator.Contracts.Specs;
using Orchestrator.Tests.Client;
using Orchestrator.Tests.Infrastructure;
using Orchestrator.Workloads;
using Orchestrator.Training.Sbi;
using Orchestrator.Training.Workloads;
using Orchestrator.Training.Workloads.FffSbi;

namespace Orchestrator.Tests.Workloads;

/// <summary>
/// fff-sbi's recipes shipped as data (data/recipes/fff-sbi.csv): every task at 10³ and 10⁴ has one with its provenance,
/// <c>train fff-sbi</c> uses it for what its command line does not give, and the examples run it for their task and budget.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class FffSbiRecipeTests
{
    [Fact]
    public void The_file_parses_and_covers_the_ten_tasks_at_both_budgets_each_with_its_provenance()
    {
        var recipes = FffSbiRecipes.Load();

        Assert.Equal(SbiTasks.Names.SelectMany(t => new[] { $"{t}/1000", $"{t}/10000" }).Order(),
            recipes.Select(r => $"{r.Task}/{r.Budget}").Order());
        Assert.All(recipes, r => Assert.Equal(FffSbiRecipes.RecipeParameters.Order(), r.Parameters.Keys.Order()));
        Assert.All(recipes, r => Assert.NotEmpty(r.Source));
        // Not tuned here: said so in each such row's provenance, as train prints it.
        Assert.All(recipes.Where(r => r.Status == "paper"), r => Assert.Contains("NOT TUNED", FffSbiRecipes.ToRecipe(r).Provenance));
        // A measured row quotes what was measured next to NPE's published number.
        var twoMoons = FffSbiRecipes.ToRecipe(FffSbiRecipes.Find("two_moons", 1000, recipes)!);
        Assert.StartsWith("measured: C2ST 0.666 on observations 1-5 vs NPE 0.725 (within NPE + 0.02); bench sbi (README table;", twoMoons.Provenance);
    }

    [Fact]
    public void A_bad_value_a_missing_measurement_or_a_row_listed_twice_is_an_error_naming_its_line()
    {
        using var folder = new TempFolder();
        var header = "task,budget,beta,lr,batchSize,architecture,epochs,status,c2st,judged,source";
        string Error(params string[] rows)
        {
            var path = Path.Combine(folder.Path, "recipes.csv");
            File.WriteAllLines(path, ["# comment", header, .. rows]);
            return Assert.Throws<InvalidDataException>(() => FffSbiRecipes.Load(path)).Message;
        }

        Assert.EndsWith("line 3: batchSize: expected an integer ≥ 1, got 0.", Error("slcp,1000,25,1e-3,0,reference,100,paper,,,x"));
        Assert.EndsWith("line 3: architecture: expected one of reference, resnet-s, resnet-l, got 'resnet-xl'.", Error("slcp,1000,25,1e-3,8,resnet-xl,100,paper,,,x"));
        Assert.EndsWith("line 3: a measured row has its C2ST and only a measured row has one.", Error("slcp,1000,25,1e-3,8,reference,100,measured,,,x"));
        Assert.EndsWith("line 4: slcp at 1000 is listed twice.", Error("slcp,1000,25,1e-3,8,reference,100,paper,,,x", "slcp,1000,10,1e-3,8,reference,100,paper,,,y"));
    }

    // Examples that run fff-sbi on sbibm tasks, each covering the recipe of every task and budget it runs. Not here:
    // fff-sbi-asha-quick.yaml (bench asha's input, its README numbers measured with it) and sbi-grid.yaml (a β study at
    // the reference code's lr 5e-4 and batch 128).
    [Theory]
    [InlineData("two-moons-beta.yaml")]
    [InlineData("two-moons-beta-packed.yaml")]
    [InlineData("fff-sbi-asha.yaml")]
    [InlineData("fff-sbi-paper.yaml")]
    public void The_examples_run_the_recipe_of_every_task_and_budget_they_cover(string file)
    {
        var spec = SweepSpecParser.ParseFile(Specs.ExampleSpecTests.ExamplePath(file), BuiltInWorkloads.Registry);
        var recipes = FffSbiRecipes.Load();
        // What a parameter takes in the example: its searched values, its fixed value, or the workload's default.
        IReadOnlyList<ParamValue> Values(string name) => spec.Search.TryGetValue(name, out var searched) ? searched.Values
            : [spec.Fixed.TryGetValue(name, out var value) ? value : FffSbiDescriptor.Instance.Find(name)!.Default!];
        static bool Same(ParamValue a, ParamValue b) => a.Kind is ParamKind.Integer or ParamKind.Number
            ? a.AsDouble() == b.AsDouble() : a.ToCanonical() == b.ToCanonical();

        foreach (var task in Values(FffSbiDescriptor.Task))
        {
            foreach (var budget in Values(FffSbiDescriptor.Budget))
            {
                var recipe = FffSbiRecipes.Find(task.AsString(), budget.AsInt64(), recipes)!;
                // Epochs excepted: an example trains as long as it can afford (ASHA: its budget cap).
                foreach (var (name, value) in recipe.Parameters.Where(p => p.Key != FffSbiDescriptor.Epochs))
                    Assert.True(Values(name).Any(v => Same(v, value)), $"{file}: {task} at {budget}: {name} {value} is not among {string.Join(", ", Values(name))}");
            }
        }
    }

    [Fact]
    public async Task Train_uses_the_recipe_for_the_parameters_its_command_line_does_not_give()
    {
        using var folder = new TempFolder();
        // two_moons at 10³: β 25, lr 1e-3, batch 16, reference network, 100 epochs; β and epochs given here.
        var (code, printed, error) = await CliRunner.RunAsync([TrainCommand.Create([new FffSbiWorkload()])],
            "train", "fff-sbi", "--task", "two_moons", "--budget", "1000", "--beta", "5", "--epochs", "1", "--posterior-samples", "100",
            "--observations", "1", "--out", folder.Path);

        Assert.True(code == 0, printed + error);
        Assert.Contains("Recipe for two_moons at budget 1000 (what the command line does not give): architecture reference, batchSize 16, lr 0.001; measured: C2ST 0.666", printed);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder.Path, "result.json")));
        var training = result.RootElement.GetProperty("config").GetProperty("training");
        Assert.Equal((5.0, 0.001, 16, "reference", 1), (training.GetProperty("beta").GetDouble(), training.GetProperty("learningRate").GetDouble(),
            training.GetProperty("batchSize").GetInt32(), training.GetProperty("architecture").GetString(), training.GetProperty("epochs").GetInt32()));
    }
}
