namespace Orchestrator.Contracts.Specs;

/// <summary>Reads a sweep spec from YAML or JSON text and validates it.</summary>
public static class SweepSpecParser
{
    /// <summary>
    /// Parses and validates. The format follows the file extension (.json, .yaml, .yml); without one, text that
    /// starts with '{' is tried as JSON first, anything else is YAML. Throws a <see cref="SpecValidationException"/>
    /// listing every problem with its path and, where known, line and column.
    /// </summary>
    /// <param name="workloads">The known workloads; null checks everything but the workload and its parameters
    /// (a client without the workloads' descriptors: the silo checks those at submit).</param>
    public static SweepSpec Parse(string text, WorkloadRegistry? workloads, string? fileName = null)
    {
        var root = ReadTree(text.TrimStart('\uFEFF'), fileName);
        var reader = new SpecTreeReader();
        var spec = reader.Read(root);
        var errors = new List<SpecError>(reader.Errors);
        // A field the reader already rejected keeps its default; do not report it twice. A document that is not
        // a map at all gets no further errors.
        var documentRejected = errors.Any(e => e.Path.Length == 0);
        foreach (var error in documentRejected ? [] : SweepSpecValidator.Validate(spec, workloads))
        {
            if (!errors.Any(e => Covers(e.Path, error.Path)))
                errors.Add(Locate(error, reader.Positions));
        }
        if (errors.Count > 0)
            throw new SpecValidationException(errors);
        return spec;
    }

    /// <summary>Parses the file at <paramref name="path"/>; the format follows its extension.</summary>
    public static SweepSpec ParseFile(string path, WorkloadRegistry? workloads) =>
        Parse(ReadBounded(path), workloads, path);

    /// <summary>Largest spec file read (a spec is a few hundred bytes; /dev/zero must not exhaust memory).</summary>
    public const int MaxBytes = 1 << 20;

    // Reads at most MaxBytes characters (files like /dev/zero report no length, so the length cannot be trusted).
    private static string ReadBounded(string path)
    {
        using var reader = new StreamReader(path);
        var buffer = new char[MaxBytes + 1];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        if (read > MaxBytes)
            throw new SpecValidationException([new SpecError("", $"the spec file is larger than {MaxBytes / 1024} KiB")]);
        return new string(buffer, 0, read);
    }

    private static SpecNode? ReadTree(string text, string? fileName)
    {
        var extension = Path.GetExtension(fileName ?? "").ToLowerInvariant();
        if (extension == ".json")
            return JsonNodeReader.Read(text);
        if (extension is ".yaml" or ".yml")
            return YamlNodeReader.Read(text);
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                return JsonNodeReader.Read(text);
            }
            catch (SpecValidationException)
            {
                // Not JSON: a YAML flow map also starts with '{'.
            }
        }
        return YamlNodeReader.Read(text);
    }

    private static bool Covers(string reported, string path) =>
        reported.Length > 0 && (path == reported || path.StartsWith(reported + ".", StringComparison.Ordinal)
            || path.StartsWith(reported + "[", StringComparison.Ordinal) || reported.StartsWith(path + ".", StringComparison.Ordinal));

    /// <summary>Gives a validator error the position of its field, or of the nearest enclosing one that was written.</summary>
    private static SpecError Locate(SpecError error, IReadOnlyDictionary<string, (int Line, int Column)> positions)
    {
        var path = error.Path;
        while (path.Length > 0)
        {
            if (positions.TryGetValue(path, out var position))
                return error with { Line = position.Line, Column = position.Column };
            var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
            path = cut < 0 ? "" : path[..cut];
        }
        return error;
    }
}
