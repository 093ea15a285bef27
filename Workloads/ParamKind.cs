namespace Orchestrator.Workloads;

/// <summary>The scalar type a parameter value carries.</summary>
public enum ParamKind
{
    Integer = 0,
    Number = 1,
    String = 2,
    Bool = 3,
}
