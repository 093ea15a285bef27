using Orchestrator.Training.Networks.Equivariant;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>The per-node first layer equals Linear(2H + F → H) applied to [h_i, h_j, e_ij] on every edge.</summary>
public sealed class PairInputLayerTests
{
    [Fact]
    public void Per_node_products_equal_the_linear_layer_on_concatenated_edge_inputs()
    {
        const int batch = 3, particles = 5, hidden = 8, features = 2;
        manual_seed(11);
        var layer = new PairInputLayer(hidden, features);
        layer.to(ScalarType.Float64);
        var h = randn([batch, particles, hidden], ScalarType.Float64, generator: new Generator(1));
        var edges = randn([batch, particles, particles - 1, features], ScalarType.Float64, generator: new Generator(2));
        using var pairs = new ParticlePairs(particles, CPU);

        var weight = Assert.Single(layer.parameters(), p => p.shape.Length == 2);
        var bias = Assert.Single(layer.parameters(), p => p.shape.Length == 1);
        Assert.Equal(new long[] { hidden, 2 * hidden + features }, weight.shape);
        var expected = zeros([batch, particles, particles - 1, hidden], ScalarType.Float64);
        for (var i = 0; i < particles; i++)
        {
            for (var k = 0; k < particles - 1; k++)
            {
                var j = k < i ? k : k + 1; // the k-th particle other than i
                var input = cat([h[.., i], h[.., j], edges[.., i, k]], -1);
                expected[.., i, k] = nn.functional.linear(input, weight, bias);
            }
        }

        using var _ = no_grad();
        var actual = layer.forward(h, edges, pairs);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((actual - expected).abs().max().item<double>() < 1e-12);
    }
}
