using Orchestrator.Training.SmoothFlows;
using Orchestrator.Training.SmoothFlows.Toys;
using Orchestrator.Training.Optimization;
using static TorchSharp.torch;

namespace Orchestrator.Tests.SmoothFlows;

public sealed class ReverseKlTests
{
    [Fact]
    public void Reverse_kl_trains_through_the_bisection_inverse()
    {
        // KL(q‖p) samples through the smooth flow's black-box inverse: its gradients reach every conditioner
        // (parameters and conditioning, by the implicit function theorem) and a few Adam steps lower it.
        set_num_threads(1);
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var energy = new RingEnergy(periodic: true);
        using var flow = new CouplingFlow(new CouplingFlowOptions(2, Circular: true, Components: 6, HiddenWidth: 16)
        {
            Inversion = new InversionOptions(Bins: 16, GradientOrder: 1),
        });
        using var losses = new FlowLosses(new LossWeights(Nll: 0, Kl: 1));
        using var adam = new AdamL2(flow.parameters(), weightDecay: 0);
        var generator = new Generator(4);
        var dummy = zeros([1, 2]);
        double Kl()
        {
            using var _ = no_grad();
            return losses.Evaluate(flow, dummy, dummy, energy.Energy, 4000, new Generator(9)).Kl;
        }
        var before = Kl();
        for (var step = 0; step < 30; step++)
        {
            using var stepScope = NewDisposeScope();
            var terms = losses.Evaluate(flow, dummy, dummy, energy.Energy, 256, generator);
            adam.ZeroGrad();
            terms.Total.backward();
            if (step == 0)
            {
                // The heads' output layers start at zero, so at the first step only they can receive gradients.
                var heads = flow.named_parameters().Where(p => p.name.Contains("_layers.4.")).ToList();
                Assert.Equal(4 * 3 * 2, heads.Count);
                var silent = heads.Where(p => p.parameter.grad is null || p.parameter.grad.abs().sum().item<float>() == 0)
                    .Select(p => p.name).ToList();
                Assert.True(silent.Count == 0, $"no KL gradient reaches {string.Join(", ", silent)}");
            }
            adam.Update(3e-3, beta1: 0.9);
        }
        var after = Kl();
        Assert.True(after < before - 0.1, $"KL(q‖p) + log Z: {before} before, {after} after 30 steps");
    }
}
