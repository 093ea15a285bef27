using Orchestrator.Protocol;
using Orchestrator.Training.Workloads;
using static TorchSharp.torch;

namespace Orchestrator.TrialHost;

/// <summary>Test hooks that fail a request the way real trials fail (see <see cref="TrialHostFaults"/>).</summary>
public static class NativeFault
{
    public static void Apply(string? fault)
    {
        switch (fault)
        {
            case null:
                return;
            case TrialHostFaults.NativeAbort:
                AbortThroughAutogradMisuse();
                throw new InvalidOperationException("The native-abort fault did not abort the process.");
            case TrialHostFaults.Throw:
                throw new InvalidOperationException("Injected fault: a managed exception thrown by the trial.");
            default:
                throw new InvalidTrialRequestException(
                    $"Fault '{fault}' is not known: expected {TrialHostFaults.NativeAbort} or {TrialHostFaults.Throw}.");
        }
    }

    // The misuse SafeGrad guards against: the raw autograd.grad of a tensor without a graph aborts natively.
    private static void AbortThroughAutogradMisuse()
    {
        Console.Error.WriteLine("trial-host: injecting a native abort (autograd.grad of a tensor without requires_grad)");
        using var input = ones(3);
        using var output = input * 2;
        var grads = autograd.grad([output], [input]);
        GC.KeepAlive(grads);
    }
}
