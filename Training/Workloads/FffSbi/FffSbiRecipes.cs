using System.Globalization;
using Orchestrator.Training.Data;
using Orchestrator.Training.Sbi;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.FffSbi;

/// <summary>One row of data/recipes/fff-sbi.csv: the recipe for a task at a budget and where it comes from.</summary>
/// <param name="Status"><c>measured</c> (this project's <c>bench sbi</c>, <see cref="C2st"/> on observations 1–5),
/// <c>judged</c> (only judged by issue 10 on observations this project does not hold) or <c>paper</c> (the FFF paper's
/// Table 4, not tuned here).</param>
/// <param name="C2st">Mean C2ST this project measured for the recipe; NaN when it did not.</param>
/// <param name="Judged">Issue 10's C2ST on unseen observations, as the issue gives it ("" when not judged).</param>
public sealed record FffSbiRecipe(string Task, int Budget, IReadOnlyDictionary<string, ParamValue> Parameters, string Status,
    double C2st, string Judged, string Source);

/// <summary>
/// The fff-sbi recipes shipped as data (data/recipes/fff-sbi.csv): β, lr, batch size, network and epochs
/// per sbibm task and budget, with their provenance. <c>train fff-sbi</c> uses them for what its command line does not
/// give; the examples set the same values (tests check both).
/// </summary>
public static class FffSbiRecipes
{
    public const string FileName = "fff-sbi.csv";

    /// <summary>What a row sets, in the file's column order (after task and budget).</summary>
    public static readonly string[] RecipeParameters =
    [
        FffSbiDescriptor.Beta, FffSbiDescriptor.LearningRate, FffSbiDescriptor.BatchSize, FffSbiDescriptor.Architecture, FffSbiDescriptor.Epochs,
    ];

    public static readonly string[] Statuses = ["measured", "judged", "paper"];

    private static readonly string[] Header =
        ["task", "budget", .. RecipeParameters, "status", "c2st", "judged", "source"];

    /// <summary>The file in the data folder (<see cref="DataLocator"/>).</summary>
    public static string DefaultPath() => DataLocator.RequireFile(Path.Combine(DataLocator.Root(), "recipes", FileName));

    /// <summary>Every row; a malformed row, a value the workload refuses or a task and budget listed twice is an error naming its line.</summary>
    public static IReadOnlyList<FffSbiRecipe> Load(string? path = null)
    {
        path ??= DefaultPath();
        var workload = FffSbiDescriptor.Instance;
        var recipes = new List<FffSbiRecipe>();
        var header = false;
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var f = line.Split(',');
            string Where() => $"{path}, line {i + 1}";
            if (!header)
            {
                header = f.SequenceEqual(Header) ? true : throw new InvalidDataException($"{Where()}: the header must be '{string.Join(",", Header)}'.");
                continue;
            }
            if (f.Length < Header.Length)
                throw new InvalidDataException($"{Where()}: {Header.Length} columns expected, got {f.Length}.");
            var parameters = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
            for (var c = 0; c < RecipeParameters.Length; c++)
            {
                var (name, text) = (RecipeParameters[c], f[2 + c]);
                var value = Value(workload.Find(name)!, text);
                if ((value is null ? $"'{text}' is not of its kind ({workload.Find(name)!.Kind})" : workload.Check(name, value)) is { } problem)
                    throw new InvalidDataException($"{Where()}: {name}: {problem}.");
                parameters[name] = value!;
            }
            string Column(string name) => f[Array.IndexOf(Header, name)];
            var (task, budget, status) = (Column("task"), Column("budget"), Column("status"));
            if (!SbiTasks.Names.Contains(task) || !int.TryParse(budget, NumberStyles.None, CultureInfo.InvariantCulture, out var simulations))
                throw new InvalidDataException($"{Where()}: '{task}' at '{budget}' is not an sbibm task at a budget.");
            if (!Statuses.Contains(status))
                throw new InvalidDataException($"{Where()}: status '{status}' is not one of {string.Join(", ", Statuses)}.");
            var c2st = Column("c2st").Length == 0 ? double.NaN : double.Parse(Column("c2st"), CultureInfo.InvariantCulture);
            if ((status == "measured") != double.IsFinite(c2st))
                throw new InvalidDataException($"{Where()}: a measured row has its C2ST and only a measured row has one.");
            if (recipes.Any(r => r.Task == task && r.Budget == simulations))
                throw new InvalidDataException($"{Where()}: {task} at {simulations} is listed twice.");
            // The source is the last column and may hold commas.
            recipes.Add(new FffSbiRecipe(task, simulations, parameters, status, c2st, Column("judged"), string.Join(',', f[(Header.Length - 1)..])));
        }
        return recipes;
    }

    /// <summary>The recipe for a task at a budget, or null when the file has none.</summary>
    public static FffSbiRecipe? Find(string task, long budget, IReadOnlyList<FffSbiRecipe>? recipes = null) =>
        (recipes ?? Load()).FirstOrDefault(r => r.Task == task && r.Budget == budget);

    /// <summary>The row as a workload recipe, its provenance with NPE's published C2ST beside what was measured.</summary>
    public static WorkloadRecipe ToRecipe(FffSbiRecipe recipe)
    {
        var npe = PublishedC2st.Npe(recipe.Task, recipe.Budget).Mean;
        var measured = recipe.Status switch
        {
            "measured" => string.Create(CultureInfo.InvariantCulture,
                $"measured: C2ST {recipe.C2st:F3} on observations 1-5 vs NPE {npe:F3} ({(recipe.C2st <= npe + 0.02 ? "within" : "misses")} NPE + 0.02)"),
            "judged" => string.Create(CultureInfo.InvariantCulture, $"judged only on unseen observations: {recipe.Judged} (NPE {npe:F3})"),
            _ => string.Create(CultureInfo.InvariantCulture, $"NOT TUNED here (NPE {npe:F3})"),
        };
        return new WorkloadRecipe($"{recipe.Task} at budget {recipe.Budget}", recipe.Parameters, $"{measured}; {recipe.Source}");
    }

    private static ParamValue? Value(ParameterDefinition parameter, string text) => parameter.Kind switch
    {
        ParamKind.Integer => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) ? ParamValue.Of(i) : null,
        ParamKind.Number => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? ParamValue.Of(d) : null,
        ParamKind.Bool => bool.TryParse(text, out var b) ? ParamValue.Of(b) : null,
        _ => ParamValue.Of(text),
    };
}
