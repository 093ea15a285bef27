using Orchestrator.Training.Flows;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Trials;

/// <summary>
/// A trained flow judged on its trial's validation rows, in θ's units: the exact NLL with the decoder's and with the
/// encoder's log-determinant, and the reconstruction error.
/// </summary>
internal sealed record ValidationScores(double Nll, double NllEncoder, double Reconstruction)
{
    /// <summary>Judges <paramref name="flow"/> (left in evaluation mode) on <paramref name="data"/>'s validation rows.</summary>
    public static ValidationScores Of(FreeFormFlow flow, TrialData data)
    {
        using var scope = NewDisposeScope();
        flow.eval();
        var theta = data.Theta[data.Validation];
        var x = data.X[data.Validation];
        var logScale = data.ThetaScale.LogScale;
        return new ValidationScores(
            -ExactLikelihood.DecoderLogProb(flow, theta, x).mean().ToDouble() + logScale,
            -ExactLikelihood.EncoderLogProb(flow, theta, x).mean().ToDouble() + logScale,
            ExactLikelihood.Reconstruction(flow, theta, x).mean().ToDouble());
    }
}
