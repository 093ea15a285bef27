using Orchestrator.Training.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Training.Flows;

/// <summary>
/// A free-form flow: an encoder f(θ; c) → z and a decoder g(z; c) → θ of the same dimension, with a standard
/// normal latent. Training makes g ≈ f⁻¹ (see <see cref="FreeFormFlowLoss"/>).
/// </summary>
public sealed class FreeFormFlow : nn.Module, IConditionalFlow
{
    private readonly ConditionalNetwork _encoder;
    private readonly ConditionalNetwork _decoder;

    public FreeFormFlow(ConditionalNetwork encoder, ConditionalNetwork decoder, int dim) : base("free_form_flow")
    {
        _encoder = encoder;
        _decoder = decoder;
        Dim = dim;
        RegisterComponents();
    }

    /// <summary>Dimension D of θ and z.</summary>
    public int Dim { get; }

    public static FreeFormFlow Create(string architecture, int dim, int conditionDim, bool identityInit) =>
        new(Architectures.Create(architecture, dim, conditionDim, identityInit),
            Architectures.Create(architecture, dim, conditionDim, identityInit), dim);

    public Tensor Encode(Tensor theta, Tensor c) => _encoder.forward(theta, c);

    public Tensor Decode(Tensor z, Tensor c) => _decoder.forward(z, c);

    /// <summary>θ = g(z; c) with z ~ N(0, I): one decoder evaluation per sample, one row of c per sample.</summary>
    public Tensor Sample(Tensor c, Generator rng)
    {
        using var _ = no_grad();
        var z = randn([c.shape[0], Dim], dtype: c.dtype, device: c.device, generator: rng);
        using (z)
            return Decode(z, c);
    }
}
