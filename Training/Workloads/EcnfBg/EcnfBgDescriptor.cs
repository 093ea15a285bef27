using Orchestrator.Protocol;
using Orchestrator.Training.EquivariantFlows;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.EcnfBg;

/// <summary>
/// "ecnf-bg": one Boltzmann generator on DW4 — the equivariant CNF or the RealNVP baseline — trained by maximum
/// likelihood, then annealed λ·NLL + (1 − λ)·KL, judged by its NLL on the DW4 test split. Defaults: spec §5
/// (<see cref="GeneratorTrainingOptions"/>, <see cref="GeneratorArchitecture"/>).
/// </summary>
public static class EcnfBgDescriptor
{
    public const string Name = "ecnf-bg";

    public const string Model = "model", DistanceBasis = "distanceBasis", TimeBasis = "timeBasis", Couplings = "couplings", Hidden = "hidden",
        MlEpochs = "mlEpochs", MixEpochs = "mixEpochs", FinalLambda = "finalLambda", LearningRate = "lr", BatchSize = "batchSize",
        GradientClip = "gradientClip", TrainSize = "trainSize", TestSize = "testSize", EssSamples = "essSamples";

    /// <summary>Final metrics.</summary>
    public const string TestNll = "testNll", Ess = "ess";

    public static WorkloadDescriptor Instance { get; } = Create();

    private static WorkloadDescriptor Create()
    {
        var training = new GeneratorTrainingOptions();
        var architecture = new GeneratorArchitecture();
        ParameterDefinition[] parameters =
        [
            new(Model, ParamKind.String, "generator: ecnf (equivariant CNF) or realnvp (non-equivariant baseline)")
            {
                Allowed = GeneratorKinds.Names, Default = ParamValue.Of(GeneratorKinds.Equivariant), ChangesShape = true,
            },
            new(DistanceBasis, ParamKind.Integer, "CNF radial basis functions on [0, 8]") { Min = 1, Max = 1000, Default = ParamValue.Of(architecture.Ecnf.DistanceBasis), ChangesShape = true },
            new(TimeBasis, ParamKind.Integer, "CNF time basis functions on [0, 1]") { Min = 1, Max = 1000, Default = ParamValue.Of(architecture.Ecnf.TimeBasis), ChangesShape = true },
            new(Couplings, ParamKind.Integer, "RealNVP affine couplings") { Min = 1, Max = 100, Default = ParamValue.Of(architecture.Couplings), ChangesShape = true },
            new(Hidden, ParamKind.Integer, "RealNVP conditioner width") { Min = 1, Max = 4096, Default = ParamValue.Of(architecture.Hidden), ChangesShape = true },
            new(MlEpochs, ParamKind.Integer, "maximum-likelihood epochs") { Min = 0, Default = ParamValue.Of(training.MlEpochs) },
            new(MixEpochs, ParamKind.Integer, "epochs of λ·NLL + (1 − λ)·KL, λ annealed from 1 to finalLambda") { Min = 0, Default = ParamValue.Of(training.MixEpochs) },
            new(FinalLambda, ParamKind.Number, "λ at the last mix epoch") { Min = 0, Max = 1, Default = ParamValue.Of(training.FinalLambda) },
            new(LearningRate, ParamKind.Number, "Adam learning rate") { Min = 0, MinExclusive = true, Default = ParamValue.Of(training.LearningRate) },
            new(BatchSize, ParamKind.Integer, "batch size (data and prior samples)") { Min = 1, Default = ParamValue.Of(training.BatchSize) },
            new(GradientClip, ParamKind.Number, "largest gradient norm (0: no clipping)") { Min = 0, Default = ParamValue.Of(training.GradientClip) },
            new(TrainSize, ParamKind.Integer, "leading DW4 training configurations") { Min = 2, Max = 100_000, Default = ParamValue.Of(1000L) },
            new(TestSize, ParamKind.Integer, "leading DW4 test configurations for the final NLL") { Min = 1, Max = 10_000, Default = ParamValue.Of(1000L) },
            new(EssSamples, ParamKind.Integer, "samples for the importance-sampling ESS") { Min = 2, Default = ParamValue.Of(1000L) },
        ];
        MetricDefinition[] metrics =
        [
            new(TestNll, "unnormalised NLL on the DW4 test split (Dormand–Prince for the CNF); + 5.5136 normalises it", MetricGoal.Minimize, MetricScope.Final) { Label = "test NLL" },
            new(Ess, "effective sample size of importance weights exp(−U − log q), as a fraction", MetricGoal.Maximize, MetricScope.Final) { Label = "ESS" },
            new(CommonMetrics.TrainLoss, "λ·NLL + (1 − λ)·KL, mean over the epoch's batches", MetricGoal.Minimize, MetricScope.Epoch) { Label = "loss" },
            new(CommonMetrics.ValNll, "unnormalised NLL (RK4 for the CNF) on 256 DW4 validation configurations", MetricGoal.Minimize, MetricScope.Epoch) { Label = "val NLL" },
            new(CommonMetrics.Lr, "learning rate", MetricGoal.Minimize, MetricScope.Epoch),
            new(CommonMetrics.StepSeconds, "mean wall-clock seconds per training step", MetricGoal.Minimize, MetricScope.Epoch) { Label = "s/step" },
            new(CommonMetrics.SkippedBatches, "batches skipped for a non-finite loss or gradient", MetricGoal.Minimize, MetricScope.Epoch) { Label = "skipped" },
        ];
        return new WorkloadDescriptor(Name, "a DW4 Boltzmann generator (equivariant CNF or RealNVP) trained by ML then ML + KL, judged by test NLL",
            parameters, metrics);
    }
}
