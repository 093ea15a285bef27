using TorchSharp;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Training.SmoothFlows.Toys;

/// <summary>Optimisation settings of a toy run (spec §3: Adam 5e-4, batch 1,000, 8,000 iterations, NLL only).</summary>
public sealed record ToyTrainingOptions(int Iterations = 8000, int BatchSize = 1000, double LearningRate = 5e-4, LossWeights? Weights = null, int KlBatchSize = 1000)
{
    public LossWeights Loss => Weights ?? new LossWeights();

    public void Validate()
    {
        if (Iterations < 1 || BatchSize < 1 || KlBatchSize < 1 || LearningRate <= 0)
            throw new ArgumentException("Iterations, batch sizes and the learning rate must be positive.");
        Loss.Validate();
    }
}

/// <summary>Trains a coupling flow on toy data with Adam and the weighted NLL/KL/force-matching loss.</summary>
public static class ToyTraining
{
    /// <summary>
    /// Runs the iterations; <paramref name="report"/> gets (iteration, loss terms) every <paramref name="reportEvery"/>
    /// iterations. Batches are drawn with <paramref name="generator"/>, so a run is reproducible from its seed.
    /// </summary>
    public static void Train(CouplingFlow flow, ToyData data, RingEnergy energy, ToyTrainingOptions options, Generator generator,
        Action<int, LossTerms>? report = null, int reportEvery = 100, CancellationToken cancellation = default)
    {
        options.Validate();
        var dtype = flow.parameters().First().dtype;
        using var losses = new FlowLosses(options.Loss);
        using var adam = new AdamL2(flow.parameters(), weightDecay: 0);
        using var train = data.Train.to(dtype);
        using var trainForce = data.TrainForce.to(dtype);
        var count = train.shape[0];
        flow.train();
        for (var iteration = 1; iteration <= options.Iterations; iteration++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var index = randint(count, [options.BatchSize], generator: generator);
            var terms = losses.Evaluate(flow, train[index], trainForce[index], energy.Energy, options.KlBatchSize, generator);
            if (!double.IsFinite(terms.Total.ToDouble()))
                throw new TrainingFailedException($"Non-finite loss at iteration {iteration} (NLL {terms.Nll}, KL {terms.Kl}, FM {terms.ForceMatching}).");
            adam.ZeroGrad();
            terms.Total.backward();
            adam.Update(options.LearningRate, beta1: 0.9);
            if (report is not null && (iteration % reportEvery == 0 || iteration == options.Iterations))
                report(iteration, terms);
        }
        flow.eval();
    }
}
