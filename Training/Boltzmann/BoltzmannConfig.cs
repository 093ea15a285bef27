namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// One E(n)-FFF Boltzmann-generator trial. <see cref="Paper"/> gives the FFF paper's settings per system (spec §4).
/// Same config and seed → same result on CPU.
/// </summary>
public sealed record BoltzmannConfig
{
    /// <summary>"dw4", "lj13" or "lj55".</summary>
    public string System { get; init; } = "dw4";
    /// <summary>Equivariant blocks L of encoder and decoder.</summary>
    public int Blocks { get; init; } = 20;
    public int Hidden { get; init; } = 64;
    /// <summary>Reconstruction weight β.</summary>
    public double Beta { get; init; } = 10;
    /// <summary>Peak learning rate of the one-cycle schedule (Adam).</summary>
    public double LearningRate { get; init; } = 1e-3;
    public int BatchSize { get; init; } = 256;
    public int Epochs { get; init; } = 50;
    /// <summary>Largest global gradient norm (0 = no clipping).</summary>
    public double GradientClip { get; init; } = 1.0;
    public long Seed { get; init; } = 1;
    /// <summary>"cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Leading rows of the training split used (the paper: 100,000).</summary>
    public int TrainSize { get; init; } = 100_000;
    /// <summary>Leading rows of the validation split for the per-epoch exact NLL.</summary>
    public int ValidationSize { get; init; } = 1_000;
    /// <summary>Leading rows of the test split for the final NLL.</summary>
    public int TestSize { get; init; } = 10_000;
    /// <summary>Samples drawn for ESS, the energy histogram and the sampling time.</summary>
    public int Samples { get; init; } = 10_000;
    /// <summary>Intra-op threads for this trial's thread (0 keeps TorchSharp's default).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Folder holding the splits (default: data/boltzmann through the data locator).</summary>
    public string? DataFolder { get; init; }

    /// <summary>The FFF paper's settings for a system (spec §4).</summary>
    public static BoltzmannConfig Paper(string system) => system.ToLowerInvariant() switch
    {
        "dw4" => new BoltzmannConfig { System = "dw4", Blocks = 20, Beta = 10, Epochs = 50 },
        "lj13" => new BoltzmannConfig { System = "lj13", Blocks = 8, Beta = 200, Epochs = 400 },
        "lj55" => new BoltzmannConfig { System = "lj55", Blocks = 8, Beta = 500, BatchSize = 56, GradientClip = 0.1, Epochs = 400 },
        _ => throw new ArgumentException($"Unknown particle system '{system}'; known: {string.Join(", ", ParticleSystems.Names)}."),
    };

    /// <summary>Throws with a message naming the field when the config is invalid.</summary>
    public void Validate()
    {
        ParticleSystems.Get(System);
        Require(Blocks >= 1, nameof(Blocks), "≥ 1");
        Require(Hidden >= 1, nameof(Hidden), "≥ 1");
        Require(Beta >= 0 && double.IsFinite(Beta), nameof(Beta), "a finite number ≥ 0");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), "a finite number > 0");
        Require(BatchSize >= 1, nameof(BatchSize), "≥ 1");
        Require(Epochs >= 1, nameof(Epochs), "≥ 1");
        Require(GradientClip >= 0, nameof(GradientClip), "≥ 0 (0 = off)");
        Require(Seed >= 0, nameof(Seed), "≥ 0");
        Require(TrainSize >= 2, nameof(TrainSize), "≥ 2");
        Require(ValidationSize >= 1, nameof(ValidationSize), "≥ 1");
        Require(TestSize >= 1, nameof(TestSize), "≥ 1");
        Require(Samples >= 2, nameof(Samples), "≥ 2");
        Require(Threads >= 0, nameof(Threads), "≥ 0");
    }

    private static void Require(bool ok, string field, string expected)
    {
        if (!ok)
            throw new ArgumentException($"Boltzmann option {field} must be {expected}.");
    }
}
