using Orchestrator.Training.Sbi;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Sbi;

/// <summary>What every task must satisfy: shapes, support, reproducibility from the generator alone.</summary>
public sealed class SbiTaskContractTests
{
    public static TheoryData<string> TaskNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in SbiTasks.Names)
        {
            data.Add(name);
        }
        return data;
    }

    private static (double[] Theta, double[] X) Draw(ISbiTask task, int n, long seed)
    {
        using var scope = NewDisposeScope();
        var rng = new Generator((ulong)seed);
        var theta = task.SamplePrior(n, rng);
        var x = task.Simulate(theta, rng);
        return (theta.data<double>().ToArray(), x.data<double>().ToArray());
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Shapes_dtype_and_support(string name)
    {
        var task = SbiTasks.Get(name);
        Assert.Equal(name, task.Name);
        using var scope = NewDisposeScope();
        var rng = new Generator(7);
        var theta = task.SamplePrior(50, rng);
        Assert.Equal(new long[] { 50, task.ThetaDim }, theta.shape);
        Assert.Equal(ScalarType.Float64, theta.dtype);
        var support = task.InPriorSupport(theta);
        Assert.Equal(ScalarType.Bool, support.dtype);
        Assert.Equal(new long[] { 50 }, support.shape);
        Assert.True(support.all().item<bool>());

        var x = task.Simulate(theta, rng);
        Assert.Equal(new long[] { 50, task.XDim }, x.shape);
        Assert.Equal(ScalarType.Float64, x.dtype);
        Assert.True(isfinite(x).all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Same_seed_reproduces_and_other_seed_differs(string name)
    {
        var task = SbiTasks.Get(name);
        var a = Draw(task, 40, 123);
        var b = Draw(task, 40, 123);
        var c = Draw(task, 40, 124);
        Assert.Equal(a.Theta, b.Theta);
        Assert.Equal(a.X, b.X);
        Assert.NotEqual(a.Theta, c.Theta);
        Assert.NotEqual(a.X, c.X);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public void Same_theta_other_seed_gives_other_x(string name)
    {
        // The simulator itself must be stochastic through the generator, not only the prior.
        var task = SbiTasks.Get(name);
        using var scope = NewDisposeScope();
        var theta = task.SamplePrior(20, new Generator(1));
        var x1 = task.Simulate(theta, new Generator(2)).data<double>().ToArray();
        var x2 = task.Simulate(theta, new Generator(3)).data<double>().ToArray();
        var x1Again = task.Simulate(theta, new Generator(2)).data<double>().ToArray();
        Assert.Equal(x1, x1Again);
        Assert.NotEqual(x1, x2);
    }

    [Fact]
    public void Out_of_support_is_reported()
    {
        using var scope = NewDisposeScope();
        Assert.False(SbiTasks.Get("two_moons").InPriorSupport(tensor(new[,] { { 0.0, 1.5 } })).item<bool>());
        Assert.False(SbiTasks.Get("slcp").InPriorSupport(tensor(new[,] { { 0.0, 0, 0, 0, -3.1 } })).item<bool>());
        Assert.False(SbiTasks.Get("sir").InPriorSupport(tensor(new[,] { { 0.3, -0.1 } })).item<bool>());
        Assert.True(SbiTasks.Get("gaussian_linear").InPriorSupport(full(1, 10, 5.0, ScalarType.Float64)).item<bool>());
    }

    [Fact]
    public void Registry_lists_ten_tasks_and_rejects_unknown_names()
    {
        Assert.Equal(10, SbiTasks.Names.Count);
        Assert.Equal(SbiTasks.Names.Count, SbiTasks.Names.Distinct().Count());
        var error = Assert.Throws<ArgumentException>(() => SbiTasks.Get("three_moons"));
        Assert.Contains("three_moons", error.Message);
        Assert.Contains("lotka_volterra", error.Message);
    }

    [Fact]
    public void Wrong_theta_width_is_rejected()
    {
        using var theta = zeros(3, 4, ScalarType.Float64);
        var error = Assert.Throws<ArgumentException>(() => SbiTasks.Get("slcp").Simulate(theta, new Generator(0)));
        Assert.Contains("slcp", error.Message);
    }

    [Fact]
    public void Simulate_dataset_drops_nan_rows_and_counts_them()
    {
        using var data = Simulation.SimulateDataset(new NaNEveryThird(), 30, new Generator(5));
        Assert.Equal(10, data.Dropped);
        Assert.Equal(new long[] { 20, 1 }, data.Theta.shape);
        Assert.Equal(new long[] { 20, 1 }, data.X.shape);
        Assert.True(isfinite(data.X).all().item<bool>());
        // Kept rows stay paired with their θ.
        Assert.Equal(data.Theta.data<double>().ToArray(), data.X.data<double>().ToArray());
    }

    /// <summary>x = θ, but every third simulation fails.</summary>
    private sealed class NaNEveryThird : ISbiTask
    {
        public string Name => "nan_every_third";
        public int ThetaDim => 1;
        public int XDim => 1;
        public Tensor SamplePrior(int n, Generator rng) => rand(new long[] { n, 1 }, ScalarType.Float64, generator: rng);
        public Tensor InPriorSupport(Tensor theta) => ones(theta.shape[0], ScalarType.Bool);

        public Tensor Simulate(Tensor theta, Generator rng)
        {
            var x = theta.clone();
            for (var i = 0; i < theta.shape[0]; i += 3)
            {
                x[i, 0] = tensor(double.NaN);
            }
            return x;
        }
    }
}
