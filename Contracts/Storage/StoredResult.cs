namespace Orchestrator.Contracts.Storage;

/// <summary>One attempt's stored result.json.</summary>
public sealed record StoredResult(int Attempt, byte[] Content);
