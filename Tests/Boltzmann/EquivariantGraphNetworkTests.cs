using Orchestrator.Training.Boltzmann;
using Orchestrator.Training.Networks.Equivariant;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Boltzmann;

/// <summary>The E(n)-GNN of spec §4 transforms with its input under E(n) and permutations and keeps the centre of mass.</summary>
public sealed class EquivariantGraphNetworkTests
{
    private const int Particles = 5;
    private const int Dims = 3;
    private const double Tolerance = 1e-9;

    /// <summary>A float64 network whose coordinate heads are scaled up, so that the map is far from the identity.</summary>
    private static EquivariantGraphNetwork Network(int particles = Particles, int dims = Dims)
    {
        manual_seed(17);
        var net = new EquivariantGraphNetwork(particles, dims, blocks: 3, hidden: 16);
        net.to(ScalarType.Float64);
        using var _ = no_grad();
        var scaled = 0;
        foreach (var (name, p) in net.named_parameters())
        {
            if (p.shape is [1, 16] && name.Contains("coordinate", StringComparison.OrdinalIgnoreCase))
            {
                p.mul_(20_000);
                scaled++;
            }
        }
        Assert.Equal(3, scaled);
        return net;
    }

    private static Tensor Map(EquivariantGraphNetwork net, Tensor x)
    {
        using var condition = zeros([x.shape[0], 0], ScalarType.Float64);
        using var _ = no_grad();
        return net.forward(x, condition);
    }

    private static Tensor Configurations(int particles = Particles, int dims = Dims) =>
        randn([6, particles * dims], ScalarType.Float64, generator: new Generator(3)) * 1.5;

    private static Tensor Transform(Tensor x, Tensor matrix, int particles, int dims) =>
        ParticleGeometry.AsParticles(x, particles, dims).matmul(matrix).reshape(x.shape[0], particles * dims);

    private static void AssertClose(Tensor expected, Tensor actual) =>
        Assert.True((expected - actual).abs().max().item<double>() < Tolerance, $"max deviation {(expected - actual).abs().max().item<double>():E2}");

    [Fact]
    public void Map_moves_the_particles_noticeably()
    {
        using var scope = NewDisposeScope();
        var x = Configurations();
        var moved = (Map(Network(), x) - x).abs().max().item<double>();
        Assert.True(moved > 1e-2, $"moved {moved}");
    }

    [Theory]
    [InlineData(Dims, false)]
    [InlineData(Dims, true)]
    [InlineData(2, false)]
    [InlineData(2, true)]
    public void Rotating_or_reflecting_the_input_rotates_or_reflects_the_output(int dims, bool reflect)
    {
        using var scope = NewDisposeScope();
        var net = Network(Particles, dims);
        var x = Configurations(Particles, dims);
        var q = linalg.qr(randn([dims, dims], ScalarType.Float64, generator: new Generator(9))).Q;
        var sign = linalg.det(q).item<double>() > 0 == reflect ? -1.0 : 1.0;
        q[.., 0] = q[.., 0] * sign; // det q = −1 for a reflection, +1 for a rotation
        Assert.Equal(reflect ? -1.0 : 1.0, linalg.det(q).item<double>(), 9);
        AssertClose(Transform(Map(net, x), q, Particles, dims), Map(net, Transform(x, q, Particles, dims)));
    }

    [Fact]
    public void Translating_the_input_translates_the_output_and_keeps_the_centre_of_mass()
    {
        using var scope = NewDisposeScope();
        var net = Network();
        var x = Configurations();
        var shift = tensor(new[] { 0.7, -2.1, 3.3 }, ScalarType.Float64).repeat(Particles).unsqueeze(0);
        AssertClose(Map(net, x) + shift, Map(net, x + shift));
        AssertClose(ParticleGeometry.CentreOfMass(x, Particles, Dims), ParticleGeometry.CentreOfMass(Map(net, x), Particles, Dims));
    }

    [Fact]
    public void Permuting_the_particles_permutes_the_output()
    {
        using var scope = NewDisposeScope();
        var net = Network();
        var x = Configurations();
        var order = tensor(new long[] { 3, 0, 4, 1, 2 });
        Tensor Permute(Tensor t) => ParticleGeometry.AsParticles(t, Particles, Dims).index_select(1, order).reshape(t.shape[0], Particles * Dims);
        AssertClose(Permute(Map(net, x)), Map(net, Permute(x)));
    }
}
