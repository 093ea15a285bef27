using System.Globalization;

namespace Orchestrator.Contracts.Storage;

/// <summary>
/// The one layout every <see cref="IResultStore"/> uses, as '/'-separated relative paths (blob names in Azure,
/// relative file paths on disk). See Grains/Storage/README.md.
/// </summary>
public static class ResultStoreLayout
{
    public const string SweepsRoot = "sweeps/";
    public const string SpecFile = "spec.json";
    public const string SummaryFile = "summary.csv";
    public const string ResultFile = "result.json";
    public const string MetricsFile = "metrics.jsonl";
    public const string LogFile = "log.txt";
    public const string CheckpointFile = "checkpoint.bin";
    public const string AttemptPrefix = "attempt-";
    private const int MaxNameLength = 128;

    public static string SweepPrefix(string sweep) => $"{SweepsRoot}{ValidateName(sweep, nameof(sweep))}/";

    public static string Spec(string sweep) => SweepPrefix(sweep) + SpecFile;

    public static string Summary(string sweep) => SweepPrefix(sweep) + SummaryFile;

    public static string LedgerPrefix(string sweep) => SweepPrefix(sweep) + "ledger/";

    public static string Ledger(string sweep, int segment) =>
        $"{LedgerPrefix(sweep)}{ValidateAttempt(segment).ToString("D6", CultureInfo.InvariantCulture)}.log";

    /// <summary>The segment number of a ledger file name ("000012.log"), or null.</summary>
    public static int? LedgerSegment(string fileName) =>
        fileName.EndsWith(".log", StringComparison.Ordinal)
        && int.TryParse(fileName.AsSpan(0, fileName.Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            ? segment : null;

    public static string StatesPrefix(string sweep) => SweepPrefix(sweep) + "states/";

    /// <summary>A segment of the sweep's trial-state log (records of transitions, read by offset).</summary>
    public static string States(string sweep, int segment) =>
        $"{StatesPrefix(sweep)}{ValidateAttempt(segment).ToString("D6", CultureInfo.InvariantCulture)}.log";

    public static string TrialsPrefix(string sweep) => SweepPrefix(sweep) + "trials/";

    public static string TrialPrefix(string sweep, string configHash) =>
        $"{TrialsPrefix(sweep)}{ValidateName(configHash, nameof(configHash))}/";

    public static string Result(string sweep, string configHash, int attempt) =>
        $"{TrialPrefix(sweep, configHash)}{AttemptPrefix}{ValidateAttempt(attempt).ToString(CultureInfo.InvariantCulture)}/{ResultFile}";

    public static string Metrics(string sweep, string configHash) => TrialPrefix(sweep, configHash) + MetricsFile;

    public static string Log(string sweep, string configHash) => TrialPrefix(sweep, configHash) + LogFile;

    public static string Checkpoint(string sweep, string configHash) => TrialPrefix(sweep, configHash) + CheckpointFile;

    /// <summary>The copy of a trial's checkpoint as saved after <paramref name="epoch"/> (kept under <c>checkpoints: all</c>).</summary>
    public static string CheckpointCopy(string sweep, string configHash, int epoch) =>
        $"{TrialPrefix(sweep, configHash)}checkpoint-epoch{ValidateAttempt(epoch).ToString("D6", CultureInfo.InvariantCulture)}.bin";

    public static string Samples(string sweep, string configHash, int observation) =>
        $"{TrialPrefix(sweep, configHash)}posterior_obs{ValidateAttempt(observation).ToString(CultureInfo.InvariantCulture)}.csv.gz";

    /// <summary>
    /// Parses "{configHash}/attempt-{n}/result.json" (a path relative to <see cref="TrialsPrefix"/>); false for
    /// anything else (metrics, checkpoints, samples).
    /// </summary>
    public static bool TryParseResultPath(string relativeToTrials, out string configHash, out int attempt)
    {
        configHash = "";
        attempt = 0;
        var parts = relativeToTrials.Split('/');
        if (parts.Length != 3 || parts[2] != ResultFile || !IsValidName(parts[0])
            || !parts[1].StartsWith(AttemptPrefix, StringComparison.Ordinal)
            || !int.TryParse(parts[1].AsSpan(AttemptPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out attempt))
        {
            return false;
        }
        configHash = parts[0];
        return true;
    }

    /// <summary>Blob- and file-safe: 1-128 of [A-Za-z0-9._-], starting with a letter or digit, no "..".</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength }
        && char.IsAsciiLetterOrDigit(name[0])
        && !name.Contains("..", StringComparison.Ordinal)
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    public static string ValidateName(string name, string parameter = "name") => IsValidName(name)
        ? name
        : throw new ArgumentException(
            $"'{name}' is not a valid sweep or trial name: use 1-{MaxNameLength} of A-Z a-z 0-9 . _ - starting with a letter or digit.",
            parameter);

    private static int ValidateAttempt(int value) => value >= 0
        ? value
        : throw new ArgumentOutOfRangeException(nameof(value), value, "Attempt and observation numbers are non-negative.");
}
