namespace Orchestrator.Contracts.Specs;

/// <summary>The scalar type a parameter value carries.</summary>
[GenerateSerializer, Alias("orchestrator.specs.ParamKind")]
public enum ParamKind
{
    Integer = 0,
    Number = 1,
    String = 2,
    Bool = 3,
}
