namespace Orchestrator.Tests.Infrastructure;

/// <summary>
/// A test's own folder under /tmp ("orchestrator-test-work-*"), deleted on dispose. Declare it before the cluster that
/// writes there (<c>using var store = new TempFolder();</c>), so the cluster is disposed first.
/// </summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("orchestrator-test-work-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A trial host still exiting may hold a file; the folder is in /tmp.
        }
    }
}
