namespace Orchestrator.Contracts.Specs;

/// <summary>
/// Orleans' wire form of <see cref="ParamValue"/>, which lives in the Orleans-free Workloads assembly (same fields
/// and ids as when ParamValue carried the attributes itself).
/// </summary>
[GenerateSerializer, Immutable, Alias("orchestrator.specs.ParamValue")]
public readonly record struct ParamValueSurrogate(
    [property: Id(0)] int Kind,
    [property: Id(1)] long Integer,
    [property: Id(2)] double Number,
    [property: Id(3)] string? Text,
    [property: Id(4)] bool Flag);

/// <summary>Converts <see cref="ParamValue"/> to and from <see cref="ParamValueSurrogate"/> for Orleans.</summary>
[RegisterConverter]
public sealed class ParamValueSurrogateConverter : IConverter<ParamValue, ParamValueSurrogate>
{
    public ParamValue ConvertFromSurrogate(in ParamValueSurrogate surrogate) => new()
    {
        Kind = (ParamKind)surrogate.Kind, Integer = surrogate.Integer, Number = surrogate.Number, Text = surrogate.Text, Flag = surrogate.Flag,
    };

    public ParamValueSurrogate ConvertToSurrogate(in ParamValue value) =>
        new((int)value.Kind, value.Integer, value.Number, value.Text, value.Flag);
}
