using Orchestrator.Contracts.Specs;
using Orchestrator.Training.Workloads;
using SiloDataCheck = Orchestrator.Grains.Hosting.SweepDataCheck;

namespace Orchestrator.Client.Cli;

/// <summary>Checks, before a silo starts, that the data every trial of a sweep reads is present (one line if not).</summary>
public static class SweepDataCheck
{
    /// <summary>The silos' own submit-time check, run before one starts.</summary>
    public static void Require(SweepSpec spec) => new SiloDataCheck(BuiltInWorkloads.RequireDataOf).Require(spec, BuiltInWorkloads.Registry);
}
