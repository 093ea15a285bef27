namespace Orchestrator.Training.Evaluation;

/// <summary>
/// Shuffled k-fold split laid out as scikit-learn's KFold(shuffle=True): the indices are permuted once, the
/// first n mod k folds hold ⌊n/k⌋+1 test indices and the others ⌊n/k⌋; each training set is every other index
/// in ascending order. The permutation comes from a seeded <see cref="Random"/>, so it is reproducible
/// (though not the same permutation numpy would draw).
/// </summary>
public sealed class KFoldSplit
{
    private KFoldSplit(IReadOnlyList<long[]> train, IReadOnlyList<long[]> test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>Training indices of each fold, ascending.</summary>
    public IReadOnlyList<long[]> Train { get; }

    /// <summary>Test indices of each fold, in permutation order.</summary>
    public IReadOnlyList<long[]> Test { get; }

    public static KFoldSplit Create(int n, int folds, int seed)
    {
        if (folds < 2)
            throw new ArgumentOutOfRangeException(nameof(folds), folds, "At least 2 folds are needed.");
        if (n < folds)
            throw new ArgumentException($"Cannot split {n} samples into {folds} folds.", nameof(n));

        var permutation = new long[n];
        for (var i = 0; i < n; i++)
            permutation[i] = i;
        new Random(seed).Shuffle(permutation);

        var train = new List<long[]>(folds);
        var test = new List<long[]>(folds);
        var start = 0;
        for (var f = 0; f < folds; f++)
        {
            var size = n / folds + (f < n % folds ? 1 : 0);
            var testIndices = permutation[start..(start + size)];
            var inTest = new bool[n];
            foreach (var i in testIndices)
                inTest[i] = true;
            var trainIndices = new long[n - size];
            var k = 0;
            for (var i = 0; i < n; i++)
            {
                if (!inTest[i])
                    trainIndices[k++] = i;
            }
            train.Add(trainIndices);
            test.Add(testIndices);
            start += size;
        }
        return new KFoldSplit(train, test);
    }
}
