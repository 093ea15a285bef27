namespace Orchestrator.Training.Optimization;

/// <summary>A training run that cannot go on (e.g. its loss stays non-finite); the message is the reason.</summary>
public sealed class TrainingFailedException(string reason) : Exception(reason);
