namespace Orchestrator.Training.Data;

/// <summary>Benchmark data that is not where it should be; the message is one line: the path, then what to do.</summary>
public sealed class MissingDataException(string path, string advice)
    : FileNotFoundException($"benchmark data not found: {path} ({advice})", path);
