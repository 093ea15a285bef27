using Orchestrator.Training.Trials;

namespace Orchestrator.Training.Workloads.FffSbi;

/// <summary>Maps checked fff-sbi parameters onto a <see cref="TrialConfig"/>.</summary>
public static class FffSbiConfig
{
    public static TrialConfig From(WorkloadParameters parameters, long seed, string device, int threads, IReadOnlyList<int> observations)
    {
        var defaults = new TrialConfig();
        return defaults with
        {
            Task = parameters.String(FffSbiDescriptor.Task),
            Budget = parameters.Int32(FffSbiDescriptor.Budget),
            PosteriorSamples = parameters.Int32(FffSbiDescriptor.PosteriorSamples),
            ValidationFraction = parameters.Number(FffSbiDescriptor.ValidationFraction),
            Seed = seed,
            Device = device,
            Threads = threads,
            Observations = observations,
            Training = defaults.Training with
            {
                Beta = parameters.Number(FffSbiDescriptor.Beta),
                LearningRate = parameters.Number(FffSbiDescriptor.LearningRate),
                WeightDecay = parameters.Number(FffSbiDescriptor.WeightDecay),
                BatchSize = parameters.Int32(FffSbiDescriptor.BatchSize),
                Epochs = parameters.Int32(FffSbiDescriptor.Epochs),
                Architecture = parameters.String(FffSbiDescriptor.Architecture),
                IdentityInit = parameters.Bool(FffSbiDescriptor.IdentityInit),
                HutchinsonSamples = parameters.Int32(FffSbiDescriptor.Hutchinson),
            },
        };
    }
}
