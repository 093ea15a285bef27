namespace Orchestrator.Protocol;

/// <summary>Test hooks for <see cref="TrainRequest.Fault"/>: make the child fail the way real trials do.</summary>
public static class TrialHostFaults
{
    /// <summary>Abort the child natively through a real TorchSharp misuse (what crash isolation exists for).</summary>
    public const string NativeAbort = "native-abort";
    /// <summary>Throw a managed exception (answered by <see cref="Failed"/>; the child lives on).</summary>
    public const string Throw = "throw";
}
