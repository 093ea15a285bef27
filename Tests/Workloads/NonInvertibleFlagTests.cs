using Orchestrator.Training.Workloads.FffSbi;
using Orchestrator.Workloads;

namespace Orchestrator.Tests.Workloads;

/// <summary>A fff-sbi result whose decoder and encoder NLL disagree by more than 1 nat is flagged non-invertible.</summary>
public sealed class NonInvertibleFlagTests
{
    [Theory]
    [InlineData(-14.8, -7.6, 7.2, 1.0)]  // lotka_volterra with one recipe for all tasks (spec §6)
    [InlineData(-8.6, -7.1, 1.5, 1.0)]   // sir, same recipe
    [InlineData(-3.10, -3.05, 0.05, 0.0)] // f ≈ g⁻¹
    [InlineData(2.0, 3.0, 1.0, 0.0)]     // exactly at the tolerance: not flagged
    public void The_gap_is_the_absolute_difference_and_the_flag_marks_gaps_over_one_nat(double decoder, double encoder, double gap, double flag)
    {
        var result = FffSbiDescriptor.Invertibility(decoder, encoder);
        Assert.Equal(gap, result.Gap, 12);
        Assert.Equal(flag, result.Flag);
    }

    [Fact]
    public void A_non_finite_nll_gives_no_flag_and_both_are_declared_final_metrics()
    {
        Assert.True(double.IsNaN(FffSbiDescriptor.Invertibility(double.NaN, -3).Flag));
        var workload = FffSbiDescriptor.Instance;
        Assert.Equal("non-invertible", workload.FindMetric(FffSbiDescriptor.NonInvertible, MetricScope.Final)!.Label);
        Assert.Equal("NLL gap", workload.FindMetric(FffSbiDescriptor.NllGap, MetricScope.Final)!.Label);
    }
}
