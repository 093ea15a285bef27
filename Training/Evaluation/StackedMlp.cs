using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Evaluation;

/// <summary>
/// F independent MLPs d → h → h → 1 (ReLU hidden layers, logistic output) whose parameters live side by side
/// in one flat float32 tensor [F, P]. Each layer's weights and bias are views into that tensor, so one batched
/// matrix product (bmm) runs a layer of all F networks at once and the optimiser can update every parameter
/// with a handful of elementwise operations. Rows can be dropped (<see cref="Keep"/>) when networks finish.
/// </summary>
public sealed class StackedMlp : IDisposable
{
    private readonly int _dim;
    private readonly int _hidden;
    private readonly List<Tensor> _views = [];

    // Scalars passed to libtorch are owned here and live as long as the network: a temporary Scalar (as from an
    // implicit conversion) can be finalised by the GC while libtorch still reads it.
    private readonly Scalar _one = 1.0.ToScalar();
    private readonly Scalar _zero = 0.0.ToScalar();

    public StackedMlp(int dim, int hidden, Tensor theta)
    {
        _dim = dim;
        _hidden = hidden;
        Theta = theta;
        WeightMask = BuildWeightMask(dim, hidden, theta.device);
        BindViews();
    }

    /// <summary>Number of parameters of one network.</summary>
    public static int ParameterCount(int dim, int hidden) => dim * hidden + hidden + hidden * hidden + hidden + hidden + 1;

    /// <summary>All parameters, one row per network: [F, P].</summary>
    public Tensor Theta { get; private set; }

    /// <summary>1 where a parameter is a weight (penalised by L2), 0 where it is a bias: [1, P].</summary>
    public Tensor WeightMask { get; }

    public long Networks => Theta.shape[0];

    public Tensor W1 { get; private set; } = null!;
    public Tensor B1 { get; private set; } = null!;
    public Tensor W2 { get; private set; } = null!;
    public Tensor B2 { get; private set; } = null!;
    public Tensor W3 { get; private set; } = null!;
    public Tensor B3 { get; private set; } = null!;
    public Tensor W2T { get; private set; } = null!;
    public Tensor W3T { get; private set; } = null!;

    /// <summary>
    /// Initial parameters as scikit-learn draws them (Glorot uniform, bound √(6/(fan_in+fan_out)) for weights
    /// and biases alike, since the hidden activation is ReLU), the same for every network, as sklearn's
    /// cross_val_score clones one estimator with one random_state for every fold.
    /// </summary>
    public static float[] GlorotInit(int dim, int hidden, int seed)
    {
        var rng = new Random(seed);
        var values = new float[ParameterCount(dim, hidden)];
        var offset = 0;
        foreach (var (fanIn, fanOut) in new[] { (dim, hidden), (hidden, hidden), (hidden, 1) })
        {
            var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
            for (var i = 0; i < fanIn * fanOut + fanOut; i++)
                values[offset++] = (float)((2 * rng.NextDouble() - 1) * bound);
        }
        return values;
    }

    /// <summary>Forward pass of all networks on x [F, B, d]: returns the logits [F, B, 1] and the hidden activations.</summary>
    public (Tensor Logits, Tensor A1, Tensor A2) Forward(Tensor x)
    {
        var a1 = bmm(x, W1).add_(B1, _one).relu_();
        var a2 = bmm(a1, W2).add_(B2, _one).relu_();
        var logits = bmm(a2, W3).add_(B3, _one);
        return (logits, a1, a2);
    }

    /// <summary>
    /// Gradient of Σᵢ wᵢ·logloss(i) with respect to the parameters, flat [F, P], given the forward pass and
    /// delta = w·(σ(logits) − y) [F, B, 1]. The L2 term is added by the caller.
    /// </summary>
    public Tensor Backward(Tensor x, Tensor a1, Tensor a2, Tensor delta)
    {
        var f = Networks;
        var gW3 = bmm(a2.transpose(1, 2), delta);
        var gB3 = delta.sum(1);
        // ReLU's derivative as a boolean mask (a quarter of the memory traffic of a float sign tensor).
        var d2 = bmm(delta, W3T).masked_fill_(a2.le(_zero), _zero);
        var gW2 = bmm(a1.transpose(1, 2), d2);
        var gB2 = d2.sum(1);
        var d1 = bmm(d2, W2T).masked_fill_(a1.le(_zero), _zero);
        var gW1 = bmm(x.transpose(1, 2), d1);
        var gB1 = d1.sum(1);
        return cat([gW1.view(f, -1), gB1, gW2.view(f, -1), gB2, gW3.view(f, -1), gB3], 1);
    }

    /// <summary>Keeps only the given rows (networks), e.g. when others have finished training.</summary>
    public void Keep(Tensor rows)
    {
        var kept = Theta.index_select(0, rows);
        DisposeViews();
        Theta.Dispose();
        Theta = kept;
        BindViews();
    }

    public void Dispose()
    {
        DisposeViews();
        Theta.Dispose();
        WeightMask.Dispose();
        _one.Dispose();
        _zero.Dispose();
    }

    private void BindViews()
    {
        var f = Theta.shape[0];
        var offset = 0L;
        Tensor Take(long rows, long cols)
        {
            using var slice = Theta.narrow(1, offset, rows * cols);
            var view = slice.view(f, rows, cols);
            offset += rows * cols;
            _views.Add(view);
            return view;
        }
        W1 = Take(_dim, _hidden);
        B1 = Take(1, _hidden);
        W2 = Take(_hidden, _hidden);
        B2 = Take(1, _hidden);
        W3 = Take(_hidden, 1);
        B3 = Take(1, 1);
        W2T = W2.transpose(1, 2);
        W3T = W3.transpose(1, 2);
        _views.Add(W2T);
        _views.Add(W3T);
    }

    private void DisposeViews()
    {
        foreach (var view in _views)
            view.Dispose();
        _views.Clear();
    }

    private static Tensor BuildWeightMask(int dim, int hidden, Device device)
    {
        var mask = new float[ParameterCount(dim, hidden)];
        var offset = 0;
        foreach (var (fanIn, fanOut) in new[] { (dim, hidden), (hidden, hidden), (hidden, 1) })
        {
            Array.Fill(mask, 1f, offset, fanIn * fanOut);
            offset += fanIn * fanOut + fanOut;
        }
        return tensor(mask, [1, mask.Length], device: device);
    }
}
