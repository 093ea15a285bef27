using System.Numerics;
using Orchestrator.Training.SmoothFlows.Toys;
using ScottPlot;

namespace Orchestrator.Client.Cli;

/// <summary>PNG plots of <c>bench smooth-flow toys</c>: density images, force fields and the force along the probe line.</summary>
public static class SmoothFlowPlots
{
    /// <summary>Clip log densities this far below their maximum so the rings, not the empty corners, set the colours.</summary>
    private const double LogRange = 12;

    public static List<string> Toy(string toy, ToyFields target, IReadOnlyList<ToyExperimentResult> results, string folder)
    {
        Directory.CreateDirectory(folder);
        var panels = new List<(string Name, ToyFields Fields)> { ("target", target) };
        panels.AddRange(results.Select(r => (r.Config.Kind.ToString().ToLowerInvariant(), r.Fields!)));
        var paths = new List<string>();
        foreach (var (name, fields) in panels)
        {
            paths.Add(Density(Path.Combine(folder, $"{toy}-density-{name}.png"), $"{toy}: log density, {name}", fields.LogDensity));
            paths.Add(Forces(Path.Combine(folder, $"{toy}-forces-{name}.png"), $"{toy}: force field ∇ log density, {name}", fields));
        }
        paths.Add(Line(Path.Combine(folder, $"{toy}-force-line.png"), toy, panels));
        return paths;
    }

    private static string Density(string path, string title, double[,] logDensity)
    {
        var max = logDensity.Cast<double>().Max();
        var clipped = new double[logDensity.GetLength(0), logDensity.GetLength(1)];
        for (var i = 0; i < clipped.GetLength(0); i++)
            for (var j = 0; j < clipped.GetLength(1); j++)
                clipped[i, j] = Math.Max(logDensity[i, j], max - LogRange);
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(clipped);
        heatmap.FlipVertically = true;
        heatmap.Extent = new CoordinateRect(0, 1, 0, 1);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("y");
        plot.SavePng(path, 560, 480);
        return path;
    }

    private static string Forces(string path, string title, ToyFields fields)
    {
        var n = fields.ForceX.GetLength(0);
        var vectors = new List<RootedCoordinateVector>();
        var largest = 0.0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++)
                largest = Math.Max(largest, Math.Sqrt(fields.ForceX[i, j] * fields.ForceX[i, j] + fields.ForceY[i, j] * fields.ForceY[i, j]));
        // Arrow length ∝ log(1 + |f|): forces span orders of magnitude between the rings and the gaps.
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var (fx, fy) = (fields.ForceX[i, j], fields.ForceY[i, j]);
                var norm = Math.Sqrt(fx * fx + fy * fy);
                var length = norm == 0 ? 0 : 0.8 / n * Math.Log(1 + norm) / Math.Log(1 + largest) / norm;
                vectors.Add(new RootedCoordinateVector(new Coordinates((j + 0.5) / n, (i + 0.5) / n), new Vector2((float)(fx * length), (float)(fy * length))));
            }
        }
        var plot = new Plot();
        plot.Add.VectorField(vectors);
        plot.Axes.SetLimits(0, 1, 0, 1);
        plot.Title(title);
        plot.SavePng(path, 520, 520);
        return path;
    }

    private static string Line(string path, string toy, IReadOnlyList<(string Name, ToyFields Fields)> panels)
    {
        var plot = new Plot();
        Color[] palette = [Colors.Black, Colors.SteelBlue, Colors.OrangeRed];
        for (var p = 0; p < panels.Count; p++)
        {
            var values = panels[p].Fields.LineForceX;
            var xs = Enumerable.Range(0, values.Length).Select(i => 0.02 + 0.96 * i / (values.Length - 1)).ToArray();
            var line = plot.Add.ScatterLine(xs, values);
            line.LegendText = panels[p].Name;
            line.Color = palette[p % palette.Length];
        }
        plot.ShowLegend();
        plot.Title($"{toy}: ∂ log density / ∂x along the line (0.02, 0.3) → (0.98, 0.7)");
        plot.XLabel("x on the line");
        plot.YLabel("force, x component");
        plot.SavePng(path, 900, 420);
        return path;
    }
}
