using Orchestrator.Protocol;
using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads.SmoothFlow;

/// <summary>
/// "smooth-flow": a smooth (bump-mixture) or spline coupling flow trained on a 2-D ring toy with the weighted
/// NLL / KL / force-matching loss, judged by the force RMSE on held-out samples. The parameter table is the only list
/// of its parameters.
/// </summary>
public static class SmoothFlowDescriptor
{
    public const string Name = "smooth-flow";

    public const string Toy = "toy", Transform = "transform", Components = "components", Couplings = "couplings", Hidden = "hidden",
        RampPower = "rampPower", Bins = "bins", FixedCircleWidths = "fixedCircleWidths", LearningRate = "lr", BatchSize = "batchSize",
        Epochs = "epochs", IterationsPerEpoch = "iterationsPerEpoch", NllWeight = "nllWeight", KlWeight = "klWeight",
        FmWeight = "fmWeight", WalkersGrid = "walkersGrid", NveSteps = "nveSteps";

    /// <summary>Final metrics.</summary>
    public const string ForceRmse = "forceRmse", HeldOutNll = "heldOutNll", MaxForceJump = "maxForceJump", RoundTripError = "roundTripError",
        NveDrift = "nveDrift";

    public static readonly string[] Toys = ["rings", "periodic"];
    public static readonly string[] Transforms = ["smooth", "spline"];

    public static WorkloadDescriptor Instance { get; } = Create();

    private static WorkloadDescriptor Create()
    {
        var flow = new CouplingFlowOptions(2, Circular: false);
        ParameterDefinition[] parameters =
        [
            new(Toy, ParamKind.String, "ring density on [0,1]² or on the torus") { Allowed = Toys, Default = ParamValue.Of("rings"), ChangesShape = true },
            new(Transform, ParamKind.String, "coupling transform: C∞ bump mixture or RQ spline") { Allowed = Transforms, Default = ParamValue.Of("smooth"), ChangesShape = true },
            new(Components, ParamKind.Integer, "bump components K / spline bins") { Min = 1, Max = 256, Default = ParamValue.Of(40L), ChangesShape = true },
            new(Couplings, ParamKind.Integer, "coupling layers") { Min = 1, Max = 32, Default = ParamValue.Of((long)flow.Couplings), ChangesShape = true },
            new(Hidden, ParamKind.Integer, "conditioner hidden width (two layers)") { Min = 1, Max = 4096, Default = ParamValue.Of((long)flow.HiddenWidth), ChangesShape = true },
            new(RampPower, ParamKind.Integer, "power k of the smooth ramp") { Min = 1, Max = 2, Default = ParamValue.Of((long)flow.RampPower) },
            new(Bins, ParamKind.Integer, "grid points per bisection round of the smooth inverse") { Min = 2, Max = 1024, Default = ParamValue.Of((long)flow.Inversion.Bins) },
            new(FixedCircleWidths, ParamKind.Bool, "circle widths fixed as in the public code (reproduction)") { Default = ParamValue.Of(false) },
            new(LearningRate, ParamKind.Number, "Adam learning rate") { Min = 0, MinExclusive = true, Default = ParamValue.Of(1e-3) },
            new(BatchSize, ParamKind.Integer, "training batch size") { Min = 1, Default = ParamValue.Of(1000L) },
            new(Epochs, ParamKind.Integer, "epochs (each iterationsPerEpoch Adam steps)") { Min = 1, Default = ParamValue.Of(15L) },
            new(IterationsPerEpoch, ParamKind.Integer, "Adam steps per epoch") { Min = 1, Default = ParamValue.Of(100L) },
            new(NllWeight, ParamKind.Number, "ω_n, weight of the data NLL") { Min = 0, Default = ParamValue.Of(1.0) },
            new(KlWeight, ParamKind.Number, "ω_k, weight of KL(q‖p) through the flow's inverse") { Min = 0, Default = ParamValue.Of(0.0) },
            new(FmWeight, ParamKind.Number, "ω_f, weight of force matching E‖−∇U − ∇ log q‖²") { Min = 0, Default = ParamValue.Of(0.0) },
            new(WalkersGrid, ParamKind.Integer, "Metropolis walkers on a side × side grid (10 saved steps each)") { Min = 2, Max = 1000, Default = ParamValue.Of(100L) },
            new(NveSteps, ParamKind.Integer, "velocity-Verlet steps of the energy-drift run (0: none)") { Min = 0, Default = ParamValue.Of((long)new NveOptions().Steps) },
        ];
        MetricDefinition[] metrics =
        [
            new(ForceRmse, "RMSE of ∇ log q against −∇U on held-out samples", MetricGoal.Minimize, MetricScope.Final) { Label = "force RMSE" },
            new(HeldOutNll, "negative log-likelihood of held-out samples", MetricGoal.Minimize, MetricScope.Final) { Label = "held-out NLL" },
            new(MaxForceJump, "largest force change between neighbours on a 20,001-point line (discontinuities)", MetricGoal.Minimize, MetricScope.Final) { Label = "max force jump" },
            new(RoundTripError, "max |T⁻¹(T(x)) − x| on held-out samples", MetricGoal.Minimize, MetricScope.Final) { Label = "round trip" },
            new(NveDrift, "mean |E(T) − E(0)| of NVE dynamics with V = −log q", MetricGoal.Minimize, MetricScope.Final) { Label = "NVE drift" },
            new(CommonMetrics.TrainLoss, "mean weighted loss of the epoch's steps", MetricGoal.Minimize, MetricScope.Epoch) { Label = "loss" },
            new(CommonMetrics.ValNll, "held-out NLL after the epoch", MetricGoal.Minimize, MetricScope.Epoch) { Label = "val NLL" },
            new(CommonMetrics.Lr, "learning rate", MetricGoal.Minimize, MetricScope.Epoch),
            new(CommonMetrics.StepSeconds, "mean wall-clock seconds per training step", MetricGoal.Minimize, MetricScope.Epoch) { Label = "s/step" },
        ];
        return new WorkloadDescriptor(Name, "a smooth or spline coupling flow on a 2-D ring toy (NLL / KL / force matching), judged by force RMSE",
            parameters, metrics);
    }
}
