using Orchestrator.Protocol;
using Orchestrator.Training.Boltzmann;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.FffBg;

/// <summary>
/// "fff-bg": an E(n)-equivariant free-form flow trained as a Boltzmann generator on DW4, LJ13 or LJ55 and judged by
/// its exact test NLL (unnormalised, the published convention). Defaults are <see cref="BoltzmannConfig"/>'s (the
/// paper's DW4 settings); other systems should set blocks, beta, batchSize, epochs and clip (see examples/).
/// </summary>
public static class FffBgDescriptor
{
    public const string Name = "fff-bg";

    public const string System = "system", Blocks = "blocks", Hidden = "hidden", Beta = "beta", LearningRate = "lr",
        BatchSize = "batchSize", Epochs = "epochs", Clip = "clip", TrainSize = "trainSize", ValidationSize = "validationSize",
        TestSize = "testSize", Samples = "samples";

    /// <summary>Final metrics (the per-epoch ones are <see cref="TrainingEvents"/>').</summary>
    public const string TestNll = "testNll", TestNllNormalised = "testNllNormalised", Ess = "ess", SamplingMs = "samplingMs";

    public static WorkloadDescriptor Instance { get; } = Create();

    private static WorkloadDescriptor Create()
    {
        var config = new BoltzmannConfig();
        ParameterDefinition[] parameters =
        [
            new(System, ParamKind.String, "particle system") { Allowed = ParticleSystems.Names, Default = ParamValue.Of(config.System), ChangesShape = true },
            new(Blocks, ParamKind.Integer, "equivariant blocks of encoder and decoder") { Min = 1, Max = 64, Default = ParamValue.Of(config.Blocks), ChangesShape = true },
            new(Hidden, ParamKind.Integer, "hidden width of the E(n)-GNN") { Min = 1, Max = 1024, Default = ParamValue.Of(config.Hidden), ChangesShape = true },
            new(Beta, ParamKind.Number, "reconstruction weight β") { Min = 0, Default = ParamValue.Of(config.Beta) },
            new(LearningRate, ParamKind.Number, "peak learning rate (one-cycle Adam)") { Min = 0, MinExclusive = true, Default = ParamValue.Of(config.LearningRate) },
            new(BatchSize, ParamKind.Integer, "training batch size") { Min = 1, Default = ParamValue.Of(config.BatchSize) },
            new(Epochs, ParamKind.Integer, "training epochs") { Min = 1, Default = ParamValue.Of(config.Epochs) },
            new(Clip, ParamKind.Number, "largest global gradient norm (0 = no clipping)") { Min = 0, Default = ParamValue.Of(config.GradientClip) },
            new(TrainSize, ParamKind.Integer, "leading rows of the training split") { Min = 2, Default = ParamValue.Of(config.TrainSize) },
            new(ValidationSize, ParamKind.Integer, "validation rows for the per-epoch exact NLL") { Min = 1, Default = ParamValue.Of(config.ValidationSize) },
            new(TestSize, ParamKind.Integer, "test rows for the final exact NLL") { Min = 1, Default = ParamValue.Of(config.TestSize) },
            new(Samples, ParamKind.Integer, "generated samples for ESS, energies and sampling time") { Min = 2, Default = ParamValue.Of(config.Samples) },
        ];
        MetricDefinition[] metrics =
        [
            new(TestNll, "exact test NLL, unnormalised (0.5|z|² + log|det J_g|; the published convention)", MetricGoal.Minimize, MetricScope.Final) { Label = "test NLL" },
            new(TestNllNormalised, "exact test NLL including 0.5 (N−1) D log 2π", MetricGoal.Minimize, MetricScope.Final) { Label = "test NLL (norm.)" },
            new(Ess, "relative effective sample size of exp(−U − log q)", MetricGoal.Maximize, MetricScope.Final) { Label = "ESS" },
            new(SamplingMs, "milliseconds per generated sample (one decoder pass)", MetricGoal.Minimize, MetricScope.Final) { Label = "ms/sample" },
            .. FreeFormFlowEpochMetrics.All,
        ];
        return new WorkloadDescriptor(Name, "an E(n)-equivariant free-form flow as a Boltzmann generator (DW4, LJ13, LJ55), judged by its exact test NLL",
            parameters, metrics);
    }

    /// <summary>Checked parameters → <see cref="BoltzmannConfig"/>.</summary>
    public static BoltzmannConfig Config(WorkloadParameters p, long seed, string device, int threads) => new()
    {
        System = p.String(System), Blocks = p.Int32(Blocks), Hidden = p.Int32(Hidden), Beta = p.Number(Beta),
        LearningRate = p.Number(LearningRate), BatchSize = p.Int32(BatchSize), Epochs = p.Int32(Epochs), GradientClip = p.Number(Clip),
        TrainSize = p.Int32(TrainSize), ValidationSize = p.Int32(ValidationSize), TestSize = p.Int32(TestSize), Samples = p.Int32(Samples),
        Seed = seed, Device = device, Threads = threads,
    };
}
