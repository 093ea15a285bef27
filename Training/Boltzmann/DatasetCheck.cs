namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// A dataset against the reference statistics of spec §2: each quantity with its reference, the measured value, the
/// allowed deviation and pass/fail. LJ55 has no published statistics; it is checked by equipartition only.
/// </summary>
public static class DatasetCheck
{
    /// <summary>One line of the table; Tolerance null means "shown, not judged".</summary>
    public sealed record Row(string Quantity, double? Reference, double Measured, double? Tolerance, bool Pass);

    /// <summary>The equipartition estimate kT = E|∇U|² / E[ΔU] must fall in this band for samples at kT = 1.</summary>
    public const double KtLow = 0.97, KtHigh = 1.03;

    public static IReadOnlyList<Row> Check(IParticleSystem system, DatasetStatistics s)
    {
        var rows = new List<Row>();
        void Judge(string quantity, double reference, double measured, double tolerance) =>
            rows.Add(new Row(quantity, reference, measured, tolerance, Math.Abs(measured - reference) <= tolerance));
        void Show(string quantity, double? reference, double measured) => rows.Add(new Row(quantity, reference, measured, null, true));

        switch (system)
        {
            case DoubleWell4:
                // Tolerances ≈ 0.1 standard deviation of each quantity: a few standard errors of 10⁴ correlated samples.
                Judge("energy mean", -22.50, s.EnergyMean, 0.2);
                Judge("energy std", 1.89, s.EnergyStd, 0.1);
                Show("energy min", -25.75, s.EnergyMin);
                Judge("mean pair distance", 3.973, s.MeanPairDistance, 0.03);
                Judge("P(d < 4)", 0.520, s.ShortPairFraction, 0.02);
                Judge("2 short pairs", 0.446, s.TwoShortPairsFraction!.Value, 0.03);
                Judge("4 short pairs", 0.473, s.FourShortPairsFraction!.Value, 0.03);
                break;
            case LennardJones { ParticleCount: 13 }:
                Judge("energy mean", -43.13, s.EnergyMean, 0.7);
                Judge("energy std", 7.02, s.EnergyStd, 0.4);
                Show("energy min", null, s.EnergyMin);
                Judge("unordered LJ mean", -26.11, s.PairEnergyMean!.Value, 0.4);
                Judge("0.5 Σ|x − x̄|² mean", 9.03, s.HarmonicEnergyMean!.Value, 0.15);
                Judge("mean pair distance", 1.638, s.MeanPairDistance, 0.01);
                Show("min pair distance", 0.829, s.MinPairDistance);
                Judge("P(r < 1.5)", 0.451, s.ShortPairFraction, 0.01);
                break;
            default:
                Show("energy mean", null, s.EnergyMean);
                Show("energy std", null, s.EnergyStd);
                Show("mean pair distance", null, s.MeanPairDistance);
                Show("min pair distance", null, s.MinPairDistance);
                break;
        }
        rows.Add(new Row("equipartition kT", 1.0, s.EquipartitionKt, KtHigh - 1, s.EquipartitionKt is >= KtLow and <= KtHigh));
        return rows;
    }
}
