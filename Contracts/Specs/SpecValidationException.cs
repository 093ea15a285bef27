namespace Orchestrator.Contracts.Specs;

/// <summary>A sweep spec was rejected; <see cref="Errors"/> lists every problem found, each with its path.</summary>
[GenerateSerializer, Alias("orchestrator.specs.SpecValidationException")]
public sealed class SpecValidationException : Exception
{
    public SpecValidationException(IReadOnlyList<SpecError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    [Id(0)]
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Describe(IReadOnlyList<SpecError> errors) => errors.Count == 1
        ? $"Invalid sweep spec: {errors[0]}"
        : $"Invalid sweep spec ({errors.Count} errors):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
