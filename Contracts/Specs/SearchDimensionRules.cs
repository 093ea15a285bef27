namespace Orchestrator.Contracts.Specs;

/// <summary>Checks one search dimension against its parameter's definition (type, range, bounds, step, count).</summary>
internal static class SearchDimensionRules
{
    public static void Check(WorkloadDescriptor workload, ParameterDefinition parameter, SearchDimension dimension, string path, List<SpecError> errors)
    {
        void Add(string at, string message) => errors.Add(new SpecError(at, message));
        var at = dimension.KeyName.Length == 0 ? path : $"{path}.{dimension.KeyName}";

        if (dimension.IsEnumerated)
        {
            if (dimension.Values.Count == 0)
                Add(path, "empty list: give at least one value");
            for (var i = 0; i < dimension.Values.Count; i++)
                errors.AddRange(SweepSpecValidator.Check(workload, parameter.Name, dimension.Values[i], $"{at}[{i}]"));
            return;
        }

        var numeric = parameter.Kind is ParamKind.Number or ParamKind.Integer;
        if (!numeric)
        {
            Add(path, $"{dimension.KeyName} needs a numeric parameter; '{parameter.Name}' is {parameter.Expected}: list its values instead");
            return;
        }
        if (dimension.IsContinuous && parameter.Kind == ParamKind.Integer)
        {
            Add(path, $"'{parameter.Name}' is an integer parameter: use {{ int: [low, high] }} instead of {dimension.KeyName}");
            return;
        }

        var boundsOk = true;
        if (dimension.Kind == SearchKind.IntRange)
        {
            boundsOk &= IntegerBound(dimension.Low, $"{at}[0]", errors);
            boundsOk &= IntegerBound(dimension.High, $"{at}[1]", errors);
            if (dimension.Step is { } step && (step < 1 || Math.Floor(step) != step))
                Add($"{path}.step", $"expected an integer ≥ 1, got {ParameterDefinition.Show(step)}");
        }
        if (dimension.Kind == SearchKind.LogUniform)
        {
            if (!(dimension.Low > 0))
            {
                Add($"{at}[0]", $"expected a number > 0 (log scale), got {ParameterDefinition.Show(dimension.Low)}");
                boundsOk = false;
            }
            if (!(dimension.High > 0))
            {
                Add($"{at}[1]", $"expected a number > 0 (log scale), got {ParameterDefinition.Show(dimension.High)}");
                boundsOk = false;
            }
        }
        if (!boundsOk)
            return;

        var ordered = dimension.Kind == SearchKind.IntRange ? dimension.Low <= dimension.High : dimension.Low < dimension.High;
        if (!ordered)
        {
            var relation = dimension.Kind == SearchKind.IntRange ? "low ≤ high" : "low < high";
            Add(at, $"expected {relation}, got [{ParameterDefinition.Show(dimension.Low)}, {ParameterDefinition.Show(dimension.High)}]");
            return;
        }
        errors.AddRange(SweepSpecValidator.Check(workload, parameter.Name, ParamValue.Of(dimension.Low), $"{at}[0]"));
        errors.AddRange(SweepSpecValidator.Check(workload, parameter.Name, ParamValue.Of(dimension.High), $"{at}[1]"));
        if (dimension.Count is { } count && count < 2)
            Add($"{path}.count", $"expected an integer ≥ 2 (grid points, ends included), got {count}");
    }

    private static bool IntegerBound(double value, string path, List<SpecError> errors)
    {
        if (double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) < 9e15)
            return true;
        errors.Add(new SpecError(path, $"expected an integer, got {ParameterDefinition.Show(value)}"));
        return false;
    }
}
