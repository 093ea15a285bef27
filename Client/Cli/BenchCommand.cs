using System.CommandLine;

namespace Orchestrator.Client.Cli;

/// <summary><c>orchestrator bench</c>: benchmarks that print their numbers against a baseline measured in the same run.</summary>
public static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks: 'bench sbi' (FFF vs NPE C2ST), 'bench c2st' (our C2ST vs scikit-learn's), 'bench ecnf' (equivariant CNF vs RealNVP on DW4), 'bench bg' (E(n)-FFF Boltzmann generator vs Table 1), 'bench report' (HTML report of 10⁵ synthetic trials), 'bench smooth-flow' (smooth vs spline flows), 'bench packing' (K flows as one pack vs K standalone), 'bench packed-sweep' (a sweep through the orchestrator, unpacked vs resources.pack), 'bench step' (our FFF step vs PyTorch's), 'bench scheduler' (the orchestrator's own per-trial cost with no-op workers), 'bench asha' (early stopping vs the full grid: epochs and best C2ST)")
    {
        BenchSbiCommand.Create(),
        BenchC2stCommand.Create(),
        BenchEcnfCommand.Create(),
        BenchBgCommand.Create(),
        BenchReportCommand.Create(),
        BenchSmoothFlowCommand.Create(),
        BenchPackingCommand.Create(),
        BenchPackedSweepCommand.Create(),
        BenchStepCommand.Create(),
        BenchSchedulerCommand.Create(),
        BenchAshaCommand.Create(),
    };
}
