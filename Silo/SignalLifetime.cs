using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;

namespace Orchestrator.Silo;

/// <summary>
/// SIGTERM, SIGINT (Ctrl+C) and SIGQUIT stop the silo gracefully, as the generic host's console lifetime does, but
/// without its process-exit handler, which holds the process until the host is disposed. A silo whose stop hangs
/// (its Redis is gone: Orleans retries the membership update, then waits a fixed minute to record itself dead) can
/// then still end at <see cref="SiloHost"/>'s stop deadline.
/// </summary>
public sealed class SignalLifetime(IHostApplicationLifetime lifetime) : IHostLifetime, IDisposable
{
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // the host stops; the process ends when Main returns
                lifetime.StopApplication();
            }));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
