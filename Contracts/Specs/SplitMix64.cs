namespace Orchestrator.Contracts.Specs;

/// <summary>
/// SplitMix64: a tiny generator whose output depends only on the seed, on every platform and .NET version
/// (System.Random's algorithm is an implementation detail), so random sweeps expand the same everywhere.
/// </summary>
internal sealed class SplitMix64(long seed)
{
    private ulong _state = unchecked((ulong)seed);

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public ulong NextBelow(ulong n)
    {
        if (n <= 1)
            return 0;
        var limit = ulong.MaxValue - ulong.MaxValue % n;
        ulong x;
        do
            x = Next();
        while (x >= limit);
        return x % n;
    }
}
