namespace Orchestrator.Protocol;

/// <summary>Values of <see cref="Failed.Kind"/>.</summary>
public static class FailureKinds
{
    /// <summary>Training could not go on (e.g. the loss stayed non-finite): a result of the parameters, not worth a retry.</summary>
    public const string TrainingFailed = "training-failed";
    /// <summary>The request is malformed or names unknown workloads, parameters, tasks or missing checkpoints.</summary>
    public const string InvalidRequest = "invalid-request";
    /// <summary>Any other exception in the child.</summary>
    public const string Error = "error";
    /// <summary>Made by the parent's runner: the child died on every attempt.</summary>
    public const string HostDied = "host-died";
}
