namespace Orchestrator.Contracts.Specs;

/// <summary>
/// A grid as an index space: trial i is configuration i / seeds (mixed radix over the axes, the last name turning
/// fastest) with seed i mod seeds. Each axis keeps the first occurrence of every distinct (coerced) value, which
/// removes exactly the repeated configurations of the product without a per-trial table, in the order of the
/// list-expanding code it replaces. O(1) per trial, O(axes) memory.
/// </summary>
public sealed class GridTrialSource : ITrialSource
{
    private readonly TrialFactory _factory;
    private readonly IReadOnlyList<string> _names;
    private readonly IReadOnlyList<IReadOnlyList<ParamValue>> _axes;
    private readonly IReadOnlyList<long> _seeds;

    internal GridTrialSource(TrialFactory factory, bool capped = true)
    {
        _factory = factory;
        var dimensions = factory.Dimensions;
        _names = [.. dimensions.Select(d => d.Key)];
        _axes = [.. dimensions.Select(d => Axis(factory, d.Key, d.Value))];
        _seeds = factory.Seeds;
        var raw = dimensions.Aggregate(1.0, (product, d) => product * RawSize(d.Value)) * _seeds.Count;
        var distinct = _axes.Aggregate(1.0, (product, axis) => product * axis.Count) * _seeds.Count;
        Distinct = distinct >= long.MaxValue ? long.MaxValue : (long)distinct;
        DuplicatesSkipped = raw - distinct >= long.MaxValue ? long.MaxValue : (long)(raw - distinct);
        Planned = capped && factory.MaxTrials is { } max ? Math.Min(max, Distinct) : Distinct;
    }

    /// <summary>Distinct trials of the grid before limits.maxTrials.</summary>
    public long Distinct { get; }

    public long Planned { get; }

    public long Produced { get; private set; }

    public long DuplicatesSkipped { get; }

    public long Expected => Planned;

    public bool Exhausted => Produced >= Planned;

    public TrialSpec? Next()
    {
        if (Exhausted)
            return null;
        return At(Produced++);
    }

    public void Restore(long produced) => Produced = Math.Clamp(produced, 0, Planned);

    public TrialSpec? At(long index)
    {
        if (index < 0 || index >= Planned)
            return null;
        var configuration = index / _seeds.Count;
        var values = new KeyValuePair<string, ParamValue>[_axes.Count];
        for (var axis = _axes.Count - 1; axis >= 0; axis--)
        {
            var size = _axes[axis].Count;
            values[axis] = KeyValuePair.Create(_names[axis], _axes[axis][(int)(configuration % size)]);
            configuration /= size;
        }
        var (parameters, groupHash) = _factory.Configure(values);
        return _factory.Trial(index, parameters, groupHash, _seeds[(int)(index % _seeds.Count)]);
    }

    public void Observe(TrialSpec trial, double objective)
    {
    }

    public void ObserveStopped(TrialSpec trial, int epoch, double loss)
    {
    }

    /// <summary>An axis' distinct values: an integer range is computed per position (its values are distinct); others are listed.</summary>
    private static IReadOnlyList<ParamValue> Axis(TrialFactory factory, string name, SearchDimension dimension) =>
        dimension.Kind == SearchKind.IntRange
            ? new IntAxis((long)dimension.Low, (long)(dimension.Step ?? 1), (int)RawSize(dimension), v => factory.Coerce(name, v))
            : SweepExpander.GridValues(dimension).Select(v => factory.Coerce(name, v)).DistinctBy(v => v.ToCanonical(), StringComparer.Ordinal).ToList();

    private static double RawSize(SearchDimension dimension) => dimension.Kind == SearchKind.IntRange
        ? Math.Floor((dimension.High - dimension.Low) / (dimension.Step ?? 1)) + 1
        : SweepExpander.GridValues(dimension).Count;

    /// <summary>low, low + step, …: the value at a position, without a list.</summary>
    private sealed class IntAxis(long low, long step, int count, Func<ParamValue, ParamValue> coerce) : IReadOnlyList<ParamValue>
    {
        public int Count => count;

        public ParamValue this[int index] => coerce(ParamValue.Of(low + step * index));

        public IEnumerator<ParamValue> GetEnumerator() => Enumerable.Range(0, count).Select(i => this[i]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
