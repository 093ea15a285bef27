using System.Globalization;
using Orchestrator.Contracts.Specs;
using Orchestrator.Tests.Orchestration;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>
/// Every declared type, bound and choice of every registered workload (built-in and test) has rejection cases generated
/// from its parameter table: a spec fixing the parameter to a value just outside what it declares is refused at that
/// parameter's path with the declared expectation, and the value just inside is accepted.
/// </summary>
public class DescriptorRejectionTests
{
    public static TheoryData<string, string, string> Rejections()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var workload in OrchestratorTestCluster.Workloads.All)
        {
            foreach (var parameter in workload.Parameters)
            {
                foreach (var bad in OutsideValues(parameter))
                    cases.Add(workload.Name, parameter.Name, bad);
            }
        }
        return cases;
    }

    public static TheoryData<string, string, string> Acceptances()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var workload in OrchestratorTestCluster.Workloads.All)
        {
            foreach (var parameter in workload.Parameters)
            {
                foreach (var good in InsideValues(parameter))
                    cases.Add(workload.Name, parameter.Name, good);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(Rejections))]
    public void A_value_outside_the_declared_type_or_range_is_rejected(string workload, string parameter, string yamlValue)
    {
        var error = Assert.Throws<SpecValidationException>(() => Parse(workload, parameter, yamlValue));
        var only = Assert.Single(error.Errors);
        Assert.Equal($"fixed.{parameter}", only.Path);
        var definition = OrchestratorTestCluster.Workloads.Get(workload).Find(parameter)!;
        Assert.Contains($"expected {definition.Expected}", only.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Acceptances))]
    public void A_value_at_the_edge_of_the_declared_range_is_accepted(string workload, string parameter, string yamlValue)
    {
        var spec = Parse(workload, parameter, yamlValue);
        Assert.True(spec.Fixed.ContainsKey(parameter));
    }

    private static SweepSpec Parse(string workload, string parameter, string yamlValue) =>
        SweepSpecParser.Parse($"name: generated\nworkload: {workload}\nfixed:\n  {parameter}: {yamlValue}\n", OrchestratorTestCluster.Workloads);

    // One value of a wrong type, one just past each bound (the bound itself when exclusive), a fraction for integers and
    // an undeclared choice for strings with a fixed set.
    private static IEnumerable<string> OutsideValues(ParameterDefinition p)
    {
        switch (p.Kind)
        {
            case ParamKind.Integer or ParamKind.Number:
                yield return "'text'";
                if (p.Min is { } min)
                    yield return Yaml(p.MinExclusive ? min : min - Step(p));
                if (p.Max is { } max)
                    yield return Yaml(p.MaxExclusive ? max : max + Step(p));
                if (p.Kind == ParamKind.Integer)
                    yield return Yaml((p.Min ?? 0) + 1.5);
                break;
            case ParamKind.Bool:
                yield return "1";
                yield return "'true'";
                break;
            default:
                yield return "1";
                if (p.Allowed is { Count: > 0 })
                    yield return "not-a-declared-choice";
                break;
        }
    }

    private static IEnumerable<string> InsideValues(ParameterDefinition p)
    {
        switch (p.Kind)
        {
            case ParamKind.Integer or ParamKind.Number:
                if (p.Min is { } min)
                    yield return Yaml(p.MinExclusive ? min + InsideStep(p) : min);
                if (p.Max is { } max)
                    yield return Yaml(p.MaxExclusive ? max - InsideStep(p) : max);
                break;
            case ParamKind.Bool:
                yield return "true";
                break;
            default:
                foreach (var choice in p.Allowed ?? ["anything"])
                    yield return choice;
                break;
        }
    }

    private static double Step(ParameterDefinition p) => p.Kind == ParamKind.Integer ? 1 : 1e-3;

    private static double InsideStep(ParameterDefinition p) => p.Kind == ParamKind.Integer ? 1 : 1e-6;

    private static string Yaml(double value) => value.ToString("R", CultureInfo.InvariantCulture) is var text && text.Contains('E')
        ? text.Replace("E", "e", StringComparison.Ordinal)
        : text;
}
