using System.Text.Json;
using Orchestrator.Contracts.Specs;
using Orchestrator.Protocol;
using Orchestrator.Workloads;

namespace Orchestrator.Client.Cli;

/// <summary>
/// One trial run in this process (<c>train</c>, <c>bench sbi</c>): its config hash — the one a sweep gives the same
/// parameters and seed — and the trial host's request for it.
/// </summary>
public static class LocalTrial
{
    /// <summary>The hash sweeps give a trial of <paramref name="workload"/> with these parameters and seed.</summary>
    public static string ConfigHash(string workload, IReadOnlyDictionary<string, ParamValue> values, long seed)
    {
        var withSeed = new Dictionary<string, ParamValue>(values, StringComparer.Ordinal) { [WorkloadDescriptor.SeedParameter] = ParamValue.Of(seed) };
        return SpecCanonical.Hash(SpecCanonical.WriteParameters(workload, withSeed));
    }

    /// <summary>The request that trains (and evaluates <paramref name="observations"/>) into <paramref name="directory"/>.</summary>
    public static TrainRequest Request(string workload, IReadOnlyDictionary<string, ParamValue> values, long seed, string device, int threads,
        IReadOnlyList<int> observations, string directory, int checkpointEvery) =>
        new("train", $"{workload}/{ConfigHash(workload, values, seed)}", workload,
            values.ToDictionary(v => v.Key, v => JsonDocument.Parse(v.Value.ToCanonical()).RootElement.Clone(), StringComparer.Ordinal),
            seed, device, threads, observations, Path.Combine(directory, "checkpoint.bin"), checkpointEvery, directory);
}
