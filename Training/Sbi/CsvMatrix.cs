using System.Globalization;
using System.IO.Compression;

namespace Orchestrator.Training.Sbi;

/// <summary>
/// A numeric CSV file read into rows of doubles (optionally gzip-compressed). sbibm files have a header line;
/// the aux files do not, so the caller says which.
/// </summary>
public sealed class CsvMatrix
{
    private CsvMatrix(string[] header, double[][] rows)
    {
        Header = header;
        Rows = rows;
    }

    /// <summary>Column names (empty when the file has no header).</summary>
    public string[] Header { get; }

    /// <summary>The numeric rows, all of the same width.</summary>
    public double[][] Rows { get; }

    /// <summary>Number of columns.</summary>
    public int Columns => Rows.Length > 0 ? Rows[0].Length : Header.Length;

    /// <summary>Reads <paramref name="path"/>; errors name the file and the offending line.</summary>
    public static CsvMatrix Read(string path, bool hasHeader)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"sbibm data file not found: {path}", path);
        }
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : file;
        using var reader = new StreamReader(stream);

        var header = Array.Empty<string>();
        var rows = new List<double[]>();
        var lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }
            var cells = line.Split(',');
            if (hasHeader && lineNumber == 1)
            {
                header = cells;
                continue;
            }
            var row = new double[cells.Length];
            for (var j = 0; j < cells.Length; j++)
            {
                if (!double.TryParse(cells[j], NumberStyles.Float, CultureInfo.InvariantCulture, out row[j]))
                {
                    throw new InvalidDataException($"{path}, line {lineNumber}: '{cells[j]}' is not a number.");
                }
            }
            var width = rows.Count > 0 ? rows[0].Length : hasHeader ? header.Length : row.Length;
            if (row.Length != width)
            {
                throw new InvalidDataException(
                    $"{path}, line {lineNumber}: {row.Length} columns where {width} were expected.");
            }
            rows.Add(row);
        }
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: no data rows.");
        }
        return new CsvMatrix(header, rows.ToArray());
    }

    /// <summary>The rows as one row-major array.</summary>
    public double[] Flatten() => Rows.SelectMany(r => r).ToArray();
}
