namespace Orchestrator.Tests.Storage;

/// <summary>Grain state for the storage tests: a real Orleans-serializable type with a collection.</summary>
[GenerateSerializer]
[Alias("Orchestrator.Tests.Storage.CounterState")]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }

    [Id(1)]
    public string Label { get; set; } = "";

    [Id(2)]
    public List<string> History { get; set; } = [];
}
