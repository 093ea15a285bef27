namespace Orchestrator.Contracts.Specs;

/// <summary>
/// "fff-sbi": one free-form flow trained on an sbibm task and scored by C2ST. Parameters and defaults mirror
/// Training's TrialConfig and TrainingOptions (a test keeps them in step; Contracts must not reference Training).
/// </summary>
public sealed class FffSbiWorkload : WorkloadDefinition
{
    public const string WorkloadName = "fff-sbi";

    /// <summary>The ten sbibm tasks with reference posteriors.</summary>
    public static IReadOnlyList<string> Tasks { get; } =
    [
        "two_moons", "gaussian_linear", "gaussian_linear_uniform", "gaussian_mixture", "slcp",
        "slcp_distractors", "bernoulli_glm", "bernoulli_glm_raw", "sir", "lotka_volterra",
    ];

    public static IReadOnlyList<string> Architectures { get; } = ["reference", "resnet-s", "resnet-l"];

    public static FffSbiWorkload Instance { get; } = new();

    private FffSbiWorkload()
        : base(WorkloadName, Definitions())
    {
    }

    private static ParameterDefinition[] Definitions() =>
    [
        new("task", ParamKind.String, "sbibm task") { Allowed = Tasks, Default = ParamValue.Of("two_moons") },
        new("budget", ParamKind.Integer, "simulations (θ, x) pairs") { Min = 20, Default = ParamValue.Of(10_000L) },
        new("beta", ParamKind.Number, "reconstruction weight β") { Min = 0, Default = ParamValue.Of(25.0) },
        new("lr", ParamKind.Number, "peak learning rate") { Min = 0, MinExclusive = true, Default = ParamValue.Of(5e-4) },
        new("weightDecay", ParamKind.Number, "L2 penalty inside Adam") { Min = 0, Default = ParamValue.Of(1e-4) },
        new("batchSize", ParamKind.Integer, "training batch size") { Min = 1, Default = ParamValue.Of(128L) },
        new("epochs", ParamKind.Integer, "training epochs") { Min = 1, Default = ParamValue.Of(200L) },
        new("architecture", ParamKind.String, "network") { Allowed = Architectures, Default = ParamValue.Of("reference") },
        new("identityInit", ParamKind.Bool, "start encoder and decoder near the identity") { Default = ParamValue.Of(false) },
        new("hutchinson", ParamKind.Integer, "Hutchinson vectors per sample") { Min = 1, Default = ParamValue.Of(1L) },
        new("posteriorSamples", ParamKind.Integer, "posterior samples per observation") { Min = 100, Default = ParamValue.Of(10_000L) },
        new("validationFraction", ParamKind.Number, "leading fraction of simulations held out")
        {
            Min = 0, MinExclusive = true, Max = 0.5, MaxExclusive = true, Default = ParamValue.Of(0.1),
        },
        // Fault injection for testing crash isolation; absent (no default) in real sweeps.
        new("fault", ParamKind.String, "test only: make the trial host abort natively or throw") { Allowed = ["native-abort", "throw"] },
    ];
}
