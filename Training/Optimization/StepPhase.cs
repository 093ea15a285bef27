namespace Orchestrator.Training.Optimization;

/// <summary>The parts of one training step, in order, as <c>bench step --profile</c> times them (ours and PyTorch's).</summary>
public enum StepPhase
{
    /// <summary>The shuffled batch gathered from the training set.</summary>
    Gather,
    /// <summary>Forward passes and the loss, including the surrogate's VJP and double-backward JVP.</summary>
    Loss,
    /// <summary>The loss read back as a number (PyTorch: <c>loss.item()</c>).</summary>
    LossValue,
    /// <summary>backward() of the loss.</summary>
    Backward,
    /// <summary>The gradient's global norm: finite check and clipping (PyTorch's script has none).</summary>
    GradientCheck,
    /// <summary>Adam + L2 with the one-cycle schedule.</summary>
    Update,
}
