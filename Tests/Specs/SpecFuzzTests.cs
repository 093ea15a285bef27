using System.Diagnostics;
using System.Text;
using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Data;
using Orchestrator.Training.Workloads;

namespace Orchestrator.Tests.Specs;

/// <summary>
/// Mutated example specs (seeded): every one is accepted or rejected with a bounded, printable message — never a crash,
/// whatever the mutation (deep nesting, huge numbers, non-ASCII digits, control characters, long values, truncation).
/// </summary>
public sealed class SpecFuzzTests
{
    private static readonly string[] Insertions =
    [
        new string('[', 30_000), "{a: {b: {c: ", "99999999999999999999", "4294967296", "-1", "1e400", "nan", ".inf", "\u0663h",
        "\u001b[31m", "\0", "a..b", "&x *x", "!!binary", "\"", "'", "- ", ": ", "\n  ", "\t", new string('x', 100_000),
        "seeds: [1, 1]", "shards: 99", "observations: [0, 11]", "device: cuda", "fault: [throw]", "timeBudget: 1h30", "---\n",
    ];

    [Fact]
    public void A_thousand_mutated_specs_are_each_accepted_or_rejected_with_a_bounded_message()
    {
        var examples = Directory.GetFiles(Path.Combine(DataLocator.FindRepositoryRoot(AppContext.BaseDirectory)!, "examples"), "*.yaml")
            .Select(File.ReadAllText).ToArray();
        var random = new Random(8);
        var clock = Stopwatch.StartNew();
        int accepted = 0, rejected = 0;
        for (var i = 0; i < 1_200; i++)
        {
            var text = Mutate(examples[i % examples.Length], random);
            try
            {
                var spec = SweepSpecParser.Parse(text, BuiltInWorkloads.Registry, "fuzz.yaml");
                SweepExpander.Expand(spec, BuiltInWorkloads.Registry);
                accepted++;
            }
            catch (SpecValidationException e)
            {
                rejected++;
                Assert.NotEmpty(e.Errors);
                Assert.All(e.Errors, error =>
                {
                    Assert.False(string.IsNullOrWhiteSpace(error.Message));
                    Assert.True(error.ToString().Length < 1_000, $"unbounded message ({error.ToString().Length} chars) for mutation {i}");
                    Assert.DoesNotContain('\u001b', error.ToString());
                });
            }
        }
        Assert.Equal(1_200, accepted + rejected);
        Assert.True(rejected > 600, $"most mutations should be rejected (accepted {accepted}, rejected {rejected})");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"1,200 specs took {clock.Elapsed}");
    }

    private static string Mutate(string text, Random random)
    {
        var builder = new StringBuilder(text);
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(5))
            {
                case 0:
                    builder.Insert(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(Math.Min(at, builder.Length - 1), Math.Min(random.Next(1, 20), builder.Length - Math.Min(at, builder.Length - 1)));
                    break;
                case 2:
                    builder.Insert(at, (char)random.Next(0, 128));
                    break;
                case 3:
                    builder.Length = Math.Min(builder.Length, at); // truncated file
                    break;
                default:
                    var line = text.Split('\n')[random.Next(text.Split('\n').Length)];
                    builder.Insert(at, "\n" + line + "\n"); // a duplicated key or misplaced line
                    break;
            }
        }
        return builder.ToString();
    }
}
