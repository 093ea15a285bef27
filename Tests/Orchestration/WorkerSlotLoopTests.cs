using System.Diagnostics.Metrics;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Contracts.Sweeps;
using Orchestrator.Contracts.Trials;
using Orchestrator.Grains.Hosting;
using Orchestrator.Grains.Telemetry;
using Orchestrator.Grains.Workers;

namespace Orchestrator.Tests.Orchestration;

/// <summary>
/// A worker slot's lease loop cannot die silently: an exception that escapes the loop (here OutOfMemoryException, which
/// the loop does not catch) is logged as an error and the loop restarts; failed lease calls are logged and retried.
/// The scheduler is a fake (this is the loop's own logic, not the cluster's).
/// </summary>
public sealed class WorkerSlotLoopTests
{
    [Fact]
    public async Task A_loop_that_throws_is_logged_and_restarted_and_keeps_leasing()
    {
        var scheduler = new FailingScheduler(new OutOfMemoryException("escapes the loop"), new InvalidOperationException("scheduler unreachable"));
        var log = new ListLogger();
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new OrchestratorOptions { SiloName = "loop" };
        await using var slot = new WorkerSlot("loop/cpu0", options, GrainFactoryWith(scheduler), null!,
            new OrchestratorMetrics(services.GetRequiredService<IMeterFactory>(), options), log);

        slot.Start();
        // 1st call: OutOfMemoryException ends the loop → logged, restarted after 1 s; 2nd: retried after 1 s; then idle polls.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (scheduler.Calls < 4 && DateTime.UtcNow < deadline)
            await Task.Delay(50);

        Assert.True(scheduler.Calls >= 4, $"the loop stopped leasing after {scheduler.Calls} calls");
        Assert.True(slot.Status.Running);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("lease loop died; restarting it in 1.0 s", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("lease loop error; retrying in 1.0 s", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Message.Contains("the scheduler answers again after 1 failed lease call(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Backoff_doubles_from_one_second_to_thirty_and_resets()
    {
        var backoff = new Backoff();
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.Next().TotalSeconds).ToList();
        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(8, backoff.Failures);
        backoff.Reset();
        Assert.Equal(1, backoff.Next().TotalSeconds);
    }

    private static IGrainFactory GrainFactoryWith(ISchedulerGrain scheduler)
    {
        var factory = DispatchProxy.Create<IGrainFactory, SchedulerOnlyFactory>();
        ((SchedulerOnlyFactory)(object)factory).Scheduler = scheduler;
        return factory;
    }

    /// <summary>An IGrainFactory that knows only the scheduler grain.</summary>
    public class SchedulerOnlyFactory : DispatchProxy
    {
        public ISchedulerGrain Scheduler { get; set; } = null!;

        protected override object? Invoke(MethodInfo? method, object?[]? args) =>
            method is { Name: nameof(IGrainFactory.GetGrain) } && method.ReturnType == typeof(ISchedulerGrain)
                ? Scheduler
                : throw new NotSupportedException(method?.Name);
    }

    /// <summary>Throws the given exceptions on the first lease calls, then has no work.</summary>
    private sealed class FailingScheduler(params Exception[] failures) : ISchedulerGrain
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<IReadOnlyList<WorkItem>> LeasePackAsync(string workerId, string device, long memoryBytes, int siloSlots, IReadOnlyList<string>? held)
        {
            var call = Interlocked.Increment(ref _calls);
            return call <= failures.Length ? throw failures[call - 1] : Task.FromResult<IReadOnlyList<WorkItem>>([]);
        }

        public Task<WorkItem?> LeaseAsync(string workerId, string device) => throw new NotSupportedException();

        public Task RegisterAsync(string sweep) => throw new NotSupportedException();
        public Task UnregisterAsync(string sweep) => throw new NotSupportedException();
        public Task ForgetAsync(string sweep) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> ListAsync() => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> ListAllAsync() => throw new NotSupportedException();
        public Task<bool> HasWorkersOfAsync(string deviceKind) => throw new NotSupportedException();
        public Task ReportAsync(SweepStatus status) => throw new NotSupportedException();
        public Task<IReadOnlyList<WorkItem>> LeaseBatchAsync(string workerId, string device, int max) => throw new NotSupportedException();
        public Task<IReadOnlyList<SweepListing>> ListingAsync(bool includeArchived) => throw new NotSupportedException();
        public Task<bool> ArchiveAsync(string sweep, bool archived) => throw new NotSupportedException();
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Message)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Message)> Lines
        {
            get
            {
                lock (_lines)
                    return [.. _lines];
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
                _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
