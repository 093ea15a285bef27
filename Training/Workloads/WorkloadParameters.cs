using System.Text.Json;
using Orchestrator.Workloads;

namespace Orchestrator.Training.Workloads;

/// <summary>
/// A request's parameters read through the workload's descriptor: every name must be declared, every value must pass
/// the declared type and range, and absent parameters take the declared default. Workloads read typed values from it
/// instead of keeping their own list of names.
/// </summary>
public sealed class WorkloadParameters
{
    private readonly WorkloadDescriptor _workload;
    private readonly Dictionary<string, ParamValue> _values = new(StringComparer.Ordinal);

    /// <summary>Checks the parameters; throws <see cref="InvalidTrialRequestException"/> naming every problem.</summary>
    public WorkloadParameters(WorkloadDescriptor workload, IReadOnlyDictionary<string, JsonElement> parameters)
    {
        _workload = workload;
        var problems = new List<string>();
        foreach (var (name, element) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var value = ValueOf(element);
            var problem = value is null
                ? $"expected {workload.Find(name)?.Expected ?? "a declared parameter"}, got {element.GetRawText()}"
                : workload.Check(name, value);
            if (problem is not null)
                problems.Add(workload.Find(name) is null ? problem : $"{name}: {problem}");
            else if (workload.Find(name)!.Coerce(value!) is { } typed)
                _values[name] = typed;
        }
        if (problems.Count > 0)
            throw new InvalidTrialRequestException($"Invalid {workload.Name} parameters: {string.Join("; ", problems)}.");
    }

    public long Integer(string name) => Get(name).AsInt64();

    /// <summary>An integer parameter that must fit an int (sizes, counts).</summary>
    public int Int32(string name) => checked((int)Integer(name));

    public double Number(string name) => Get(name).AsDouble();

    public string String(string name) => Get(name).AsString();

    public bool Bool(string name) => Get(name).AsBool();

    private ParamValue Get(string name)
    {
        if (_values.TryGetValue(name, out var value))
            return value;
        var definition = _workload.Find(name) ?? throw new ArgumentException($"Workload {_workload.Name} declares no parameter '{name}'.");
        return definition.Default ?? throw new ArgumentException($"Parameter '{name}' of {_workload.Name} has no default and was not given.");
    }

    private static ParamValue? ValueOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => ParamValue.Of(element.GetString()!),
        JsonValueKind.True => ParamValue.Of(true),
        JsonValueKind.False => ParamValue.Of(false),
        JsonValueKind.Number when element.TryGetInt64(out var integer) => ParamValue.Of(integer),
        JsonValueKind.Number => ParamValue.Of(element.GetDouble()),
        _ => null,
    };
}
