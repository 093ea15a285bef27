namespace Orchestrator.Training.Sbi;

/// <summary>The ten sbibm tasks by name, in the order the sbibm paper lists them.</summary>
public static class SbiTasks
{
    private static readonly (string Name, Func<ISbiTask> Create)[] s_tasks =
    {
        ("two_moons", () => new TwoMoons()),
        ("gaussian_linear", () => new GaussianLinear()),
        ("gaussian_linear_uniform", () => new GaussianLinearUniform()),
        ("gaussian_mixture", () => new GaussianMixture()),
        ("slcp", () => new Slcp()),
        ("slcp_distractors", () => new SlcpDistractors()),
        ("bernoulli_glm", () => new BernoulliGlm()),
        ("bernoulli_glm_raw", () => new BernoulliGlmRaw()),
        ("sir", () => new Sir()),
        ("lotka_volterra", () => new LotkaVolterra()),
    };

    /// <summary>All task names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = s_tasks.Select(t => t.Name).ToArray();

    /// <summary>A task by its sbibm name; unknown names throw ArgumentException listing the valid ones.</summary>
    public static ISbiTask Get(string name)
    {
        foreach (var (taskName, create) in s_tasks)
        {
            if (taskName == name)
            {
                return create();
            }
        }
        throw new ArgumentException($"unknown sbibm task '{name}'; valid: {string.Join(", ", Names)}.", nameof(name));
    }
}
