using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Orchestrator.Protocol;

namespace Orchestrator.Grains.Workers;

/// <summary>
/// One start of a trial host: the OS process, pumps that turn its stdout into events and keep its stderr tail, and a
/// monitor that reports an unexpected exit as <see cref="TrialProcessDied"/> after the last stdout events.
/// </summary>
internal sealed class TrialProcessChild
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ChannelWriter<TrialHostEvent> _events;
    private readonly TrialProcessStderrTail _stderr;
    private readonly Action<string>? _stderrLine;
    private readonly TaskCompletionSource<Ready> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<TrialProcessDied?> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _exitExpected;

    private TrialProcessChild(Process process, int generation, ChannelWriter<TrialHostEvent> events, TrialProcessOptions options)
    {
        _process = process;
        _events = events;
        _stderr = new TrialProcessStderrTail(options.StderrTailLines);
        _stderrLine = options.StderrLine;
        Generation = generation;
        Pid = process.Id;
    }

    public int Generation { get; }
    public int Pid { get; }
    public StreamWriter Input => _process.StandardInput;
    /// <summary>Completes with the Ready event, or fails with <see cref="TrialProcessDiedException"/>.</summary>
    public Task<Ready> Ready => _ready.Task;
    /// <summary>Completes once the process has exited and its output is drained: with the death, or null when expected.</summary>
    public Task<TrialProcessDied?> Exited => _exited.Task;
    public bool HasExited => _exited.Task.IsCompleted;

    public static TrialProcessChild Start(TrialProcessOptions options, int generation, ChannelWriter<TrialHostEvent> events)
    {
        var info = new ProcessStartInfo(options.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            CreateNoWindow = true,
        };
        if (options.WorkingDirectory is not null)
            info.WorkingDirectory = options.WorkingDirectory;
        foreach (var argument in options.Arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
                info.Environment.Remove(name);
            else
                info.Environment[name] = value;
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.Start();
        var child = new TrialProcessChild(process, generation, events, options);
        child.Pump();
        return child;
    }

    /// <summary>The coming exit is asked for (Shutdown, kill, dispose): no death is reported.</summary>
    public void ExpectExit() => _exitExpected = true;

    public void KillTree()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private void Pump()
    {
        var stdout = Task.Run(ReadStdoutAsync);
        var stderr = Task.Run(ReadStderrAsync);
        _ = MonitorAsync(stdout, stderr);
    }

    private async Task ReadStdoutAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
                continue;
            TrialHostEvent hostEvent;
            try
            {
                hostEvent = TrialHostJson.ParseEvent(line);
            }
            catch (JsonException)
            {
                _stderr.Add("[stdout, not a protocol line] " + line);
                continue;
            }
            if (hostEvent is Ready ready)
                _ready.TrySetResult(ready);
            _events.TryWrite(hostEvent);
        }
    }

    private async Task ReadStderrAsync()
    {
        while (await _process.StandardError.ReadLineAsync() is { } line)
        {
            _stderr.Add(line);
            _stderrLine?.Invoke(line);
        }
    }

    private async Task MonitorAsync(Task stdout, Task stderr)
    {
        TrialProcessDied? died = null;
        try
        {
            await _process.WaitForExitAsync();
            // Events written just before the exit come first; a grandchild holding the pipes open must not stall this.
            await Task.WhenAll(stdout, stderr).WaitAsync(DrainTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var exitCode = _process.ExitCode;
            if (!_exitExpected)
                died = new TrialProcessDied(Pid, Generation, exitCode, TrialProcessDied.SignalOf(exitCode), _stderr.Snapshot());
            // HasExited must be true before anyone reads the death (else a restart could pick this child up again).
            _exited.TrySetResult(died);
            _ready.TrySetException(died is null
                ? new OperationCanceledException("The trial host was stopped before it was ready.")
                : new TrialProcessDiedException(died));
            if (died is not null)
                _events.TryWrite(died);
        }
        finally
        {
            _exited.TrySetResult(died);
            _process.Dispose();
        }
    }
}
