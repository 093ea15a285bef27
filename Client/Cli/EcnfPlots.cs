using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.EquivariantFlows;
using Orchestrator.Training.EquivariantFlows.Experiments;
using ScottPlot;
using static TorchSharp.torch;

namespace Orchestrator.Client.Cli;

/// <summary>PNG plots of the <c>bench ecnf</c> experiments.</summary>
public static class EcnfPlots
{
    private static readonly Color[] Palette = [Colors.SteelBlue, Colors.OrangeRed, Colors.SeaGreen, Colors.Purple];

    /// <summary>generalisation-nll.png (train vs test NLL per model) and generalisation-distances.png (pair distances: test data vs samples).</summary>
    public static List<string> Generalisation(GeneralisationExperiment.Result result, string folder)
    {
        Directory.CreateDirectory(folder);
        var nll = new Plot();
        var bars = new List<Bar>();
        for (var i = 0; i < result.Rows.Count; i++)
        {
            var row = result.Rows[i];
            bars.Add(new Bar { Position = 3 * i, Value = SymmetricLog(row.TrainNll), FillColor = Palette[0] });
            bars.Add(new Bar { Position = 3 * i + 1, Value = SymmetricLog(row.TestNll), FillColor = Palette[1] });
        }
        nll.Add.Bars(bars);
        // NLLs span −1 … 10³ when a model fails to generalise: a symmetric log axis keeps both visible.
        double[] ticks = [-100, -10, -1, 0, 1, 10, 100, 1000, 10000];
        nll.Axes.Left.SetTicks(ticks.Select(SymmetricLog).ToArray(), ticks.Select(t => t.ToString("G")).ToArray());
        nll.Axes.Bottom.SetTicks(result.Rows.Select((_, i) => 3.0 * i + 0.5).ToArray(), result.Rows.Select(r => r.Model).ToArray());
        nll.Legend.ManualItems.Add(new LegendItem { LabelText = "train half", FillColor = Palette[0] });
        nll.Legend.ManualItems.Add(new LegendItem { LabelText = "test half", FillColor = Palette[1] });
        nll.ShowLegend();
        nll.Title("DW4: NLL on the trajectory's halves (unnormalised)");
        nll.YLabel("mean NLL (symmetric log scale)");
        var nllPath = Path.Combine(folder, "generalisation-nll.png");
        nll.SavePng(nllPath, 640, 420);

        var distances = new Plot();
        var system = new DoubleWell4();
        AddHistogram(distances, PairDistances(system, result.Test), "test data", Palette[0]);
        AddHistogram(distances, PairDistances(system, result.Train), "train data", Colors.Gray);
        var colour = 1;
        foreach (var (model, samples) in result.Samples)
            AddHistogram(distances, PairDistances(system, samples), $"{model} samples", Palette[colour++ % Palette.Length]);
        distances.ShowLegend();
        distances.Title("DW4: pair distances of data and samples");
        distances.XLabel("pair distance");
        distances.YLabel("density");
        var distancePath = Path.Combine(folder, "generalisation-distances.png");
        distances.SavePng(distancePath, 640, 420);
        return [nllPath, distancePath];
    }

    /// <summary>discovery-states.png: share of each model's minimised samples per reference state (and in new states).</summary>
    public static List<string> Discovery(DiscoveryExperiment.Result result, string folder)
    {
        Directory.CreateDirectory(folder);
        var plot = new Plot();
        var states = result.Reference.Count;
        var groups = result.Rows.Count + 1;
        var bars = new List<Bar>();
        var labels = new List<string>();
        for (var s = 0; s <= states; s++)
        {
            labels.Add(s == states ? "new" : s == result.TrainingState ? $"{s} (train)" : $"{s}");
            var referenceTotal = result.Reference.Counts.Sum();
            if (s < states)
                bars.Add(new Bar { Position = s * (groups + 1), Value = (double)result.Reference.Counts[s] / referenceTotal, FillColor = Colors.Gray });
            for (var m = 0; m < result.Rows.Count; m++)
            {
                var signatures = result.SampleSignatures[result.Rows[m].Model];
                var hits = signatures.Count(sig => s == states ? result.Reference.Find(sig) < 0 : result.Reference.Find(sig) == s);
                bars.Add(new Bar { Position = s * (groups + 1) + m + 1, Value = (double)hits / Math.Max(1, signatures.Length), FillColor = Palette[m % Palette.Length] });
            }
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, states + 1).Select(s => s * (groups + 1) + groups / 2.0).ToArray(), labels.ToArray());
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "reference data", FillColor = Colors.Gray });
        for (var m = 0; m < result.Rows.Count; m++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = result.Rows[m].Model, FillColor = Palette[m % Palette.Length] });
        plot.ShowLegend();
        plot.Title("DW4 discovery: metastable state of minimised samples");
        plot.XLabel("reference state");
        plot.YLabel("share of converged samples");
        var path = Path.Combine(folder, "discovery-states.png");
        plot.SavePng(path, 720, 420);
        return [path];
    }

    private static double SymmetricLog(double value) => Math.Sign(value) * Math.Log10(1 + Math.Abs(value));

    private static double[] PairDistances(IParticleSystem system, Tensor x)
    {
        using var d = ParticleGeometry.SquaredPairDistances(x, system.ParticleCount, system.Dimensions).sqrt().flatten().to(ScalarType.Float64);
        return d.data<double>().ToArray();
    }

    /// <summary>A density histogram on [0, 8] drawn as a step line.</summary>
    private static void AddHistogram(Plot plot, double[] values, string label, Color color)
    {
        const int bins = 80;
        const double low = 0, high = 8;
        var counts = new double[bins];
        foreach (var v in values)
        {
            var bin = (int)Math.Floor((v - low) / (high - low) * bins);
            if (bin >= 0 && bin < bins)
                counts[bin]++;
        }
        var width = (high - low) / bins;
        var xs = Enumerable.Range(0, bins).Select(i => low + (i + 0.5) * width).ToArray();
        var ys = counts.Select(c => c / (values.Length * width)).ToArray();
        var line = plot.Add.ScatterLine(xs, ys);
        line.Color = color;
        line.LegendText = label;
        line.LineWidth = 2;
    }
}
