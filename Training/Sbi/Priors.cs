using static TorchSharp.torch;

namespace Orchestrator.Training.Sbi;

/// <summary>The prior families the sbibm tasks use (uniform box, Gaussian, log-normal), float64, seeded draws only.</summary>
public static class Priors
{
    /// <summary>n draws from U(low, high)^dim.</summary>
    public static Tensor UniformBox(int n, int dim, double low, double high, Generator rng)
    {
        using var scope = NewDisposeScope();
        var u = rand(new long[] { n, dim }, ScalarType.Float64, generator: rng);
        return (low + (high - low) * u).MoveToOuterDisposeScope();
    }

    /// <summary>Whether each row lies in the closed box [low, high]^dim.</summary>
    public static Tensor InBox(Tensor theta, double low, double high)
    {
        using var scope = NewDisposeScope();
        return ((theta >= low) & (theta <= high)).all(1).MoveToOuterDisposeScope();
    }

    /// <summary>n draws from the isotropic Gaussian N(0, variance·I).</summary>
    public static Tensor IsotropicGaussian(int n, int dim, double variance, Generator rng)
    {
        using var scope = NewDisposeScope();
        var e = randn(new long[] { n, dim }, ScalarType.Float64, generator: rng);
        return (e * Math.Sqrt(variance)).MoveToOuterDisposeScope();
    }

    /// <summary>Support of a Gaussian: every finite row.</summary>
    public static Tensor AllFinite(Tensor theta)
    {
        using var scope = NewDisposeScope();
        return isfinite(theta).all(1).MoveToOuterDisposeScope();
    }

    /// <summary>n draws from independent LogNormal(mu_i, sigma_i) (parameters of the underlying normal).</summary>
    public static Tensor LogNormal(int n, double[] mu, double[] sigma, Generator rng)
    {
        using var scope = NewDisposeScope();
        var e = randn(new long[] { n, mu.Length }, ScalarType.Float64, generator: rng);
        var m = tensor(mu, ScalarType.Float64);
        var s = tensor(sigma, ScalarType.Float64);
        return (m + s * e).exp().MoveToOuterDisposeScope();
    }

    /// <summary>Support of a log-normal: every coordinate strictly positive and finite.</summary>
    public static Tensor Positive(Tensor theta)
    {
        using var scope = NewDisposeScope();
        return ((theta > 0) & isfinite(theta)).all(1).MoveToOuterDisposeScope();
    }

    /// <summary>Throws unless θ is a float64 matrix with the task's width.</summary>
    public static void CheckTheta(ISbiTask task, Tensor theta)
    {
        if (theta.dim() != 2 || theta.shape[1] != task.ThetaDim || theta.dtype != ScalarType.Float64)
        {
            throw new ArgumentException(
                $"{task.Name}: θ must be float64 [n, {task.ThetaDim}], got {theta.dtype} [{string.Join(", ", theta.shape)}].");
        }
    }
}
