using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using D = Orchestrator.Training.Workloads.SmoothFlow.SmoothFlowDescriptor;

namespace Orchestrator.Training.Workloads.SmoothFlow;

/// <summary>A smooth-flow trial's parameters as the toy experiment's settings.</summary>
public sealed record SmoothFlowConfig(ToyExperimentConfig Experiment, int Epochs, int IterationsPerEpoch, int WalkersGrid, int NveSteps)
{
    public static SmoothFlowConfig From(WorkloadParameters p, long seed)
    {
        var (epochs, perEpoch) = (p.Int32(D.Epochs), p.Int32(D.IterationsPerEpoch));
        var training = new ToyTrainingOptions(checked(epochs * perEpoch), p.Int32(D.BatchSize), p.Number(D.LearningRate),
            new LossWeights(p.Number(D.NllWeight), p.Number(D.KlWeight), p.Number(D.FmWeight)));
        var nveSteps = p.Int32(D.NveSteps);
        var experiment = new ToyExperimentConfig(
            Periodic: p.String(D.Toy) == "periodic",
            Kind: p.String(D.Transform) == "smooth" ? TransformKind.Smooth : TransformKind.Spline,
            Components: p.Int32(D.Components),
            Couplings: p.Int32(D.Couplings),
            HiddenWidth: p.Int32(D.Hidden),
            Seed: checked((int)seed),
            Training: training,
            Data: new ToyDataOptions(GridSide: p.Int32(D.WalkersGrid)),
            Nve: nveSteps > 0 ? new NveOptions(Steps: nveSteps) : null)
        {
            RampPower = p.Int32(D.RampPower),
            Inversion = new InversionOptions(Bins: p.Int32(D.Bins)),
            FixedCircleWidths = p.Bool(D.FixedCircleWidths),
        };
        try
        {
            training.Validate();
            experiment.FlowOptions.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidTrialRequestException(e.Message);
        }
        return new SmoothFlowConfig(experiment, epochs, perEpoch, p.Int32(D.WalkersGrid), nveSteps);
    }
}
