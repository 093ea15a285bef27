using System.CommandLine;
using System.Text;
using Orchestrator.Workloads;

namespace Orchestrator.Client.Cli;

/// <summary>
/// CLI options generated from a workload's parameter table: <c>--kebab-case</c> of each name, typed as declared, with
/// the declared default, choices and help. Values are checked by the descriptor, one line per problem.
/// </summary>
public sealed class WorkloadOptions
{
    private readonly WorkloadDescriptor _workload;
    private readonly List<(ParameterDefinition Parameter, Option Option)> _options = [];

    /// <param name="except">Parameters that get no option (a command that sets them itself, e.g. a benchmark's grid).</param>
    /// <param name="defaults">Defaults that replace the declared ones (a benchmark's protocol); still checked against the declaration.</param>
    public WorkloadOptions(WorkloadDescriptor workload, IReadOnlyCollection<string>? except = null, IReadOnlyDictionary<string, ParamValue>? defaults = null)
    {
        _workload = workload;
        foreach (var parameter in workload.Parameters.Where(p => !p.TestOnly && except?.Contains(p.Name) != true))
        {
            var declared = defaults?.TryGetValue(parameter.Name, out var value) == true ? parameter with { Default = value } : parameter;
            _options.Add((parameter, Create(declared)));
        }
    }

    public IEnumerable<Option> Options => _options.Select(o => o.Option);

    /// <summary>True when the user gave the parameter's option (rather than leaving its default).</summary>
    public bool Given(ParseResult parse, string parameter) =>
        _options.First(o => o.Parameter.Name == parameter).Option is var option && parse.GetResult(option) is { Implicit: false };

    /// <summary>"weightDecay" → "--weight-decay".</summary>
    public static string OptionName(string parameter)
    {
        var name = new StringBuilder("--");
        foreach (var c in parameter)
        {
            if (char.IsUpper(c))
                name.Append('-').Append(char.ToLowerInvariant(c));
            else
                name.Append(c);
        }
        return name.ToString();
    }

    /// <summary>Every parameter's value (given or default); throws <see cref="ArgumentException"/> listing every invalid one.</summary>
    public Dictionary<string, ParamValue> Read(ParseResult parse)
    {
        var values = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (parameter, option) in _options)
        {
            var value = option switch
            {
                Option<long> o => ParamValue.Of(parse.GetValue(o)),
                Option<double> o => ParamValue.Of(parse.GetValue(o)),
                Option<bool> o => ParamValue.Of(parse.GetValue(o)),
                Option<string> o => ParamValue.Of(parse.GetValue(o)!),
                _ => throw new InvalidOperationException($"No reader for {option.Name}."),
            };
            if (_workload.Check(parameter.Name, value) is { } problem)
                problems.Add($"{option.Name}: {problem}");
            values[parameter.Name] = value;
        }
        if (problems.Count > 0)
            throw new ArgumentException(string.Join(Environment.NewLine, problems));
        return values;
    }

    private static Option Create(ParameterDefinition p)
    {
        var name = OptionName(p.Name);
        var help = $"{p.Help}: {p.Expected}";
        return p.Kind switch
        {
            ParamKind.Integer => new Option<long>(name) { Description = help, DefaultValueFactory = _ => p.Default!.AsInt64() },
            ParamKind.Number => new Option<double>(name) { Description = help, DefaultValueFactory = _ => p.Default!.AsDouble() },
            ParamKind.Bool => new Option<bool>(name) { Description = p.Help, DefaultValueFactory = _ => p.Default!.AsBool() },
            _ => new Option<string>(name) { Description = help, DefaultValueFactory = _ => p.Default!.AsString() },
        };
    }
}
