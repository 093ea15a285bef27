using Orchestrator.Protocol;

namespace Orchestrator.TrialHost;

/// <summary>Writes events as single JSON lines, flushed at once; safe to call from the reader and the worker thread.</summary>
public sealed class TrialHostEventWriter(TextWriter output) : IDisposable
{
    private readonly Lock _lock = new();
    private bool _broken;

    public void Write(TrialHostEvent hostEvent)
    {
        var line = TrialHostJson.Serialize(hostEvent);
        lock (_lock)
        {
            if (_broken)
                return;
            try
            {
                output.WriteLine(line);
                output.Flush();
            }
            catch (IOException e)
            {
                // The parent is gone (broken pipe); stdin EOF will end this process.
                _broken = true;
                Console.Error.WriteLine($"trial-host: cannot write events any more: {e.Message}");
            }
        }
    }

    public void Dispose() => output.Dispose();
}
