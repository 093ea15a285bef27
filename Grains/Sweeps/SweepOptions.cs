namespace Orchestrator.Grains.Sweeps;

/// <summary>How sweeps hand out and recover work.</summary>
public sealed class SweepOptions
{
    /// <summary>A lease not renewed for this long is lost and its work requeued with attempt + 1.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per trial (crashes, lost leases, retryable failures) before it ends Failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Accept specs that set the test-only <c>fault</c> parameter (from OrchestratorOptions.EnableTestFaults).</summary>
    public bool AcceptTestFaults { get; set; }

    /// <summary>Epochs between the checkpoints workers save to the result store.</summary>
    public int CheckpointEvery { get; set; } = 5;

    /// <summary>
    /// Period of a running sweep's reminder, which re-activates it after its silo died (Orleans refuses periods under
    /// its ReminderOptions.MinimumReminderPeriod, 1 minute by default).
    /// </summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);
}
