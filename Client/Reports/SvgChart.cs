using System.Globalization;
using System.Net;
using System.Text;

namespace Orchestrator.Client.Reports;

/// <summary>
/// A small static SVG chart: point series (optionally joined, with ± error bars), rectangles (histograms, Gantt lanes),
/// linear or log x axis, categorical axes, title, axis labels and a legend. No script and no external resource, so
/// the report opens offline. Callers aggregate first: the element count is what they pass, never one per trial.
/// </summary>
public sealed class SvgChart(string title, string xLabel, string yLabel)
{
    private const int Width = 720, Height = 380, Left = 70, Right = 150, Top = 36, Bottom = 52;
    private static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private readonly List<PointSeries> _points = [];
    private readonly List<RectSeries> _rects = [];

    /// <summary>Log-scaled x axis (all x must be positive).</summary>
    public bool LogX { get; init; }

    /// <summary>Labels of a categorical x axis: x = 0, 1, … are the categories.</summary>
    public IReadOnlyList<string>? XCategories { get; init; }

    /// <summary>Labels of a categorical y axis (Gantt lanes): y = 0, 1, … are the lanes.</summary>
    public IReadOnlyList<string>? YCategories { get; init; }

    public void AddPoints(string name, IReadOnlyList<ChartPoint> points, bool joined = false) =>
        _points.Add(new PointSeries(name, points, joined, Palette[(_points.Count + _rects.Count) % Palette.Length]));

    public void AddRects(string name, IReadOnlyList<ChartRect> rects) =>
        _rects.Add(new RectSeries(name, rects, Palette[(_points.Count + _rects.Count) % Palette.Length]));

    public string Render()
    {
        var (xMin, xMax, yMin, yMax) = Bounds();
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double Tx(double x) => Left + plotW * (LogX ? (Math.Log10(x) - Math.Log10(xMin)) / (Math.Log10(xMax) - Math.Log10(xMin)) : (x - xMin) / (xMax - xMin));
        double Ty(double y) => Top + plotH * (1 - (y - yMin) / (yMax - yMin));

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\">"));
        svg.Append(Invariant($"<text class=\"title\" x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">{Esc(title)}</text>"));
        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fff\" stroke=\"#999\"/>"));
        foreach (var (value, label) in XTicks(xMin, xMax))
        {
            var x = Tx(value);
            svg.Append(Invariant($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + plotH}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text class=\"xtick\" x=\"{x:F1}\" y=\"{Top + plotH + 16}\" text-anchor=\"middle\" font-size=\"11\">{Esc(label)}</text>"));
        }
        foreach (var (value, label) in YTicks(yMin, yMax))
        {
            var y = Ty(value);
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + plotW}\" y2=\"{y:F1}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text class=\"ytick\" x=\"{Left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\" font-size=\"11\">{Esc(label)}</text>"));
        }
        svg.Append(Invariant($"<text class=\"xlabel\" x=\"{Left + plotW / 2}\" y=\"{Height - 10}\" text-anchor=\"middle\" font-size=\"13\">{Esc(xLabel)}</text>"));
        svg.Append(Invariant($"<text class=\"ylabel\" transform=\"translate(16,{Top + plotH / 2}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">{Esc(yLabel)}</text>"));

        var legendY = Top + 10;
        foreach (var series in _rects)
        {
            svg.Append(Invariant($"<g class=\"series rects\" data-name=\"{Esc(series.Name)}\" data-count=\"{series.Rects.Count}\" fill=\"{series.Color}\">"));
            foreach (var r in series.Rects)
            {
                var (x0, x1, y0, y1) = (Tx(r.X0), Tx(r.X1), Ty(r.Y1), Ty(r.Y0));
                svg.Append(Invariant($"<rect x=\"{x0:F1}\" y=\"{y0:F1}\" width=\"{Math.Max(0.5, x1 - x0):F1}\" height=\"{Math.Max(0.5, y1 - y0):F1}\"/>"));
            }
            svg.Append("</g>");
            legendY = Legend(svg, series.Name, series.Color, legendY);
        }
        foreach (var series in _points)
        {
            svg.Append(Invariant($"<g class=\"series points\" data-name=\"{Esc(series.Name)}\" data-count=\"{series.Points.Count}\" stroke=\"{series.Color}\" fill=\"{series.Color}\">"));
            var finite = series.Points.Where(p => double.IsFinite(p.Y)).ToList();
            if (series.Joined && finite.Count > 1)
                svg.Append(Invariant($"<polyline fill=\"none\" stroke-width=\"1.5\" points=\"{string.Join(' ', finite.Select(p => Invariant($"{Tx(p.X):F1},{Ty(p.Y):F1}")))}\"/>"));
            foreach (var p in finite)
            {
                var (x, y) = (Tx(p.X), Ty(p.Y));
                if (double.IsFinite(p.Error) && p.Error > 0)
                    svg.Append(Invariant($"<path class=\"errorbar\" stroke-width=\"1.2\" d=\"M{x:F1},{Ty(p.Y - p.Error):F1}V{Ty(p.Y + p.Error):F1}M{x - 4:F1},{Ty(p.Y - p.Error):F1}h8M{x - 4:F1},{Ty(p.Y + p.Error):F1}h8\"/>"));
                if (!series.Joined || finite.Count <= 60)
                    svg.Append(Invariant($"<circle class=\"point\" cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"3.5\"><title>{Esc(series.Name)}: {Num(p.X)}, {Num(p.Y)}{(p.Error > 0 ? " ± " + Num(p.Error) : "")}</title></circle>"));
            }
            svg.Append("</g>");
            legendY = Legend(svg, series.Name, series.Color, legendY);
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static int Legend(StringBuilder svg, string name, string color, int y)
    {
        if (y > Height - Bottom)
            return y; // the legend shows what fits; the table below has every group
        svg.Append(Invariant($"<rect x=\"{Width - Right + 10}\" y=\"{y - 8}\" width=\"10\" height=\"10\" fill=\"{color}\"/>"));
        var label = name.Length > 22 ? name[..21] + "…" : name;
        svg.Append(Invariant($"<text class=\"legend\" x=\"{Width - Right + 24}\" y=\"{y + 1}\" font-size=\"11\">{Esc(label)}</text>"));
        return y + 16;
    }

    private (double XMin, double XMax, double YMin, double YMax) Bounds()
    {
        var xs = _points.SelectMany(s => s.Points.Where(p => double.IsFinite(p.Y)).Select(p => p.X))
            .Concat(_rects.SelectMany(s => s.Rects.SelectMany(r => new[] { r.X0, r.X1 }))).Where(double.IsFinite).ToList();
        var ys = _points.SelectMany(s => s.Points.Where(p => double.IsFinite(p.Y))
                .SelectMany(p => new[] { p.Y - (double.IsFinite(p.Error) ? p.Error : 0), p.Y + (double.IsFinite(p.Error) ? p.Error : 0) }))
            .Concat(_rects.SelectMany(s => s.Rects.SelectMany(r => new[] { r.Y0, r.Y1 }))).Where(double.IsFinite).ToList();
        var (xMin, xMax) = xs.Count == 0 ? (0.0, 1.0) : (xs.Min(), xs.Max());
        var (yMin, yMax) = ys.Count == 0 ? (0.0, 1.0) : (ys.Min(), ys.Max());
        if (XCategories is { } xc)
            (xMin, xMax) = (-0.5, xc.Count - 0.5);
        else if (LogX)
            (xMin, xMax) = (xMin / 1.5, xMax * 1.5);
        else
            (xMin, xMax) = Pad(xMin, xMax);
        if (YCategories is { } yc)
            (yMin, yMax) = (-0.5, yc.Count - 0.5);
        else
            (yMin, yMax) = Pad(yMin, yMax);
        return (xMin, xMax, yMin, yMax);
    }

    private static (double, double) Pad(double min, double max)
    {
        if (max - min < 1e-12)
            return (min - 0.5, max + 0.5);
        var pad = (max - min) * 0.06;
        return (min - pad, max + pad);
    }

    private IEnumerable<(double, string)> XTicks(double min, double max)
    {
        if (XCategories is { } categories)
            return categories.Select((c, i) => ((double)i, c));
        if (LogX)
        {
            var decades = Enumerable.Range((int)Math.Floor(Math.Log10(min)), (int)Math.Ceiling(Math.Log10(max)) - (int)Math.Floor(Math.Log10(min)) + 1)
                .Select(k => Math.Pow(10, k)).Where(v => v >= min && v <= max).ToList();
            return decades.Select(v => (v, Num(v)));
        }
        return Labelled(NiceTicks(min, max));
    }

    private IEnumerable<(double, string)> YTicks(double min, double max) =>
        YCategories is { } categories ? categories.Select((c, i) => ((double)i, c)) : Labelled(NiceTicks(min, max));

    /// <summary>Tick labels with as many decimals as the tick step needs, so neighbouring ticks never read alike.</summary>
    private static IEnumerable<(double, string)> Labelled(IReadOnlyList<double> ticks)
    {
        if (ticks.Count < 2)
            return ticks.Select(v => (v, Num(v)));
        var step = ticks[1] - ticks[0];
        var decimals = Math.Clamp(-(int)Math.Floor(Math.Log10(step) + 1e-9), 0, 10);
        var large = ticks.Max(Math.Abs) >= 1e5;
        return ticks.Select(v => (v, large ? Num(v) : v.ToString("F" + decimals, CultureInfo.InvariantCulture)));
    }

    /// <summary>About five ticks at 1, 2 or 5 × 10^k.</summary>
    public static IReadOnlyList<double> NiceTicks(double min, double max)
    {
        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw);
        var ticks = new List<double>();
        for (var v = Math.Ceiling(min / step) * step; v <= max + step * 1e-9; v += step)
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    private static string Num(double v) => v.ToString(Math.Abs(v) is >= 1e4 or < 1e-3 and > 0 ? "0.##e0" : "0.###", CultureInfo.InvariantCulture);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record PointSeries(string Name, IReadOnlyList<ChartPoint> Points, bool Joined, string Color);

    private sealed record RectSeries(string Name, IReadOnlyList<ChartRect> Rects, string Color);
}

/// <summary>A point with an optional symmetric error (NaN or 0: none).</summary>
public readonly record struct ChartPoint(double X, double Y, double Error = double.NaN);

/// <summary>An axis-aligned rectangle in data coordinates.</summary>
public readonly record struct ChartRect(double X0, double X1, double Y0, double Y1);
