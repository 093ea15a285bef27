namespace Orchestrator.Contracts.Specs;

/// <summary>
/// A workload described by its parameter list alone: validation checks each given parameter against its
/// definition. Override <see cref="Validate"/> to add checks across parameters.
/// </summary>
public class WorkloadDefinition : IWorkloadDefinition
{
    private readonly Dictionary<string, ParameterDefinition> _byName;

    public WorkloadDefinition(string name, IReadOnlyList<ParameterDefinition> parameters)
    {
        Name = name;
        Parameters = parameters;
        _byName = parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        if (_byName.ContainsKey(TrialSpec.SeedParameter))
            throw new ArgumentException($"Workload {name} must not define '{TrialSpec.SeedParameter}': every workload has it.");
    }

    public string Name { get; }

    public IReadOnlyList<ParameterDefinition> Parameters { get; }

    public ParameterDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    public virtual IReadOnlyList<SpecError> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        var errors = new List<SpecError>();
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (name == TrialSpec.SeedParameter)
            {
                if (!value.IsIntegral || value.AsInt64() < 0)
                    errors.Add(new SpecError(name, $"expected an integer ≥ 0, got {ParameterDefinition.Show(value)}"));
                continue;
            }
            if (Find(name) is not { } definition)
            {
                errors.Add(new SpecError(name, UnknownParameterMessage(name)));
                continue;
            }
            if (definition.Check(value) is { } problem)
                errors.Add(new SpecError(name, problem));
        }
        return errors;
    }

    /// <summary>"unknown parameter 'bta' for workload fff-sbi (did you mean 'beta'?); known: …".</summary>
    public string UnknownParameterMessage(string name)
    {
        var known = Parameters.Select(p => p.Name).ToList();
        var hint = Suggestions.Closest(name, known) is { } guess ? $" (did you mean '{guess}'?)" : "";
        return $"unknown parameter '{name}' for workload {Name}{hint}; known parameters: {string.Join(", ", known)}";
    }
}
