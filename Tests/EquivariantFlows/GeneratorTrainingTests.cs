using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.EquivariantFlows;
using static TorchSharp.torch;

namespace Orchestrator.Tests.EquivariantFlows;

/// <summary>One short equivariant-CNF training on 1,000 DW4 configurations, shared by the tests that need a trained model.</summary>
public sealed class TrainedEcnfFixture : IDisposable
{
    public TrainedEcnfFixture()
    {
        var system = new DoubleWell4();
        using var rng = new Generator(1);
        Model = new EquivariantCnf(new DoubleWell4(), new EcnfOptions(), rng);
        using var train = BoltzmannData.Load(system, "train", limit: 1000).to(float64);
        Test = BoltzmannData.Load(system, "test", limit: 500).to(float64);
        using (var trainer = new GeneratorTrainer(Model, system, train, new GeneratorTrainingOptions { MlEpochs = 3, MixEpochs = 0 }, rng))
        {
            InitialTestNll = GeneratorEvaluation.NegativeLogLikelihoods(Model, Test, adaptive: false).mean().ToDouble();
            trainer.Run();
        }
    }

    public EquivariantCnf Model { get; }

    public Tensor Test { get; }

    public double InitialTestNll { get; }

    public void Dispose()
    {
        Model.Dispose();
        Test.Dispose();
    }
}

public sealed class GeneratorTrainingTests(TrainedEcnfFixture trained) : IClassFixture<TrainedEcnfFixture>
{
    [Fact]
    public void Short_ml_training_brings_the_held_out_nll_below_the_bound()
    {
        var nll = GeneratorEvaluation.NegativeLogLikelihoods(trained.Model, trained.Test).mean().ToDouble();

        // 3 epochs of 1,000 DW4 configurations: ≈ 4.2 (unnormalised), from ≈ 9.5 at initialisation.
        Assert.True(trained.InitialTestNll > 7, $"initial test NLL {trained.InitialTestNll:F3}");
        Assert.True(nll < 5.0, $"test NLL {nll:F3} after 3 epochs");
    }

    [Fact]
    public void Rk4_and_dormand_prince_agree_on_the_trained_model()
    {
        var rk4 = trained.Model.NegativeLogLikelihood(trained.Test, adaptive: false);
        var adaptive = trained.Model.NegativeLogLikelihood(trained.Test, adaptive: true);

        var difference = (rk4 - adaptive).abs().max().ToDouble();
        Assert.True(difference < 1e-3, $"max |NLL RK4 (20 steps) − NLL DP (rtol 1e-5)| = {difference:E2}");
    }

    [Fact]
    public void Resumed_training_with_the_kl_phase_equals_an_uninterrupted_run()
    {
        var system = new DoubleWell4();
        using var data = BoltzmannData.Load(system, "train", limit: 256).to(float64);
        var options = new GeneratorTrainingOptions { MlEpochs = 2, MixEpochs = 2 };
        var folder = Directory.CreateTempSubdirectory("bg-resume").FullName;
        var checkpoint = Path.Combine(folder, "model.ckpt");
        try
        {
            var straight = Train(system, data, options, null, stopAfter: null);
            Assert.Throws<OperationCanceledException>(() => Train(system, data, options, checkpoint, stopAfter: 3));
            var resumed = Train(system, data, options, checkpoint, stopAfter: null);

            Assert.Equal(straight.History.Select(e => e.Loss), resumed.History.Select(e => e.Loss));
            Assert.Equal(straight.Parameters, resumed.Parameters);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Trains (resuming from the checkpoint when present); <paramref name="stopAfter"/> cancels after that epoch.</summary>
    private static (IReadOnlyList<GeneratorEpoch> History, double[] Parameters) Train(IParticleSystem system, Tensor data,
        GeneratorTrainingOptions options, string? checkpoint, int? stopAfter)
    {
        using var rng = new Generator(3);
        using var model = new RealNvpGenerator(new DoubleWell4(), couplings: 2, hidden: 8, rng);
        using var trainer = new GeneratorTrainer(model, system, data, options, rng);
        using var cancellation = new CancellationTokenSource();
        CheckpointedTraining.Run(trainer, CheckpointedTraining.File(checkpoint), every: 1, e =>
        {
            if (e.Epoch == stopAfter)
                cancellation.Cancel();
        }, cancellation.Token);
        return (trainer.History.ToList(), model.parameters().SelectMany(p => p.data<double>().ToArray()).ToArray());
    }
}
