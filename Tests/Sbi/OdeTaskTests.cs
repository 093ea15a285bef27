using Orchestrator.Training.Sbi;
using static TorchSharp.torch;

namespace Orchestrator.Tests.Sbi;

/// <summary>The Dormand–Prince solver and the two ODE tasks (SIR, Lotka–Volterra).</summary>
public sealed class OdeTaskTests
{
    [Fact]
    public void Dormand_prince_matches_closed_form_solutions()
    {
        // Harmonic oscillator y'' = −y from (1, 0): (cos t, −sin t).
        var solver = new DormandPrince45(2);
        var times = new[] { 0.0, 1.0, 5.0, 20.0 };
        var output = new double[times.Length * 2];
        Assert.True(solver.Solve((_, y, dy) => { dy[0] = y[1]; dy[1] = -y[0]; }, 0.0, new[] { 1.0, 0.0 }, times, output));
        for (var i = 0; i < times.Length; i++)
        {
            Assert.Equal(Math.Cos(times[i]), output[2 * i], 1e-7);
            Assert.Equal(-Math.Sin(times[i]), output[2 * i + 1], 1e-7);
        }
        // y' = y: exp(t), relative accuracy near rtol.
        var growth = new double[1];
        Assert.True(new DormandPrince45(1).Solve((_, y, dy) => dy[0] = y[0], 0.0, new[] { 1.0 }, new[] { 10.0 }, growth));
        Assert.Equal(1.0, growth[0] / Math.Exp(10.0), 1e-7);
    }

    [Fact]
    public void Dormand_prince_reports_blow_up_as_failure()
    {
        // y' = y², y(0) = 1 explodes at t = 1.
        var output = new double[1];
        Assert.False(new DormandPrince45(1).Solve((_, y, dy) => dy[0] = y[0] * y[0], 0.0, new[] { 1.0 }, new[] { 2.0 }, output));
    }

    [Fact]
    public void Sir_conserves_the_population_and_matches_a_fine_rk4_reference()
    {
        var theta = new[] { 0.6, 0.15 };
        using var thetaTensor = tensor(theta, new long[] { 1, 2 }, ScalarType.Float64);
        var (states, failed) = Sir.SolveAll(thetaTensor);
        Assert.Equal(0, failed);
        var reference = Rk4(Sir.Rhs(theta), Sir.InitialState, Sir.Times, 0.002);
        for (var k = 0; k < Sir.Times.Length; k++)
        {
            var total = states[3 * k] + states[3 * k + 1] + states[3 * k + 2];
            Assert.Equal(Sir.Population, total, 1e-3); // 1e-9 relative
            for (var s = 0; s < 3; s++)
            {
                // Same solution to ~1e-7 of N: far below the binomial resolution of 1/1000.
                Assert.Equal(reference[3 * k + s], states[3 * k + s], 0.1);
            }
        }
        // The epidemic really happens (peak in the observed window) for this θ.
        Assert.True(Enumerable.Range(0, 10).Max(k => states[3 * k + 1]) > 0.1 * Sir.Population);
    }

    [Fact]
    public void Sir_true_parameters_reproduce_the_published_observation()
    {
        // x_o is one binomial draw at the true θ: the noiseless expectation must be within a few sd of it.
        foreach (var k in new[] { 1, 2, 3 })
        {
            using var theta = SbiReferenceData.TrueParameters("sir", k);
            var xo = SbiReferenceData.ObservationArray("sir", k);
            var (states, _) = Sir.SolveAll(theta);
            for (var i = 0; i < 10; i++)
            {
                var p = Math.Clamp(states[3 * i + 1] / Sir.Population, 0, 1);
                var mean = Sir.TotalCount * p;
                var sd = Math.Sqrt(Sir.TotalCount * p * (1 - p));
                Assert.InRange(xo[i], mean - 5 * sd - 1, mean + 5 * sd + 1);
            }
        }
    }

    [Fact]
    public void Lotka_volterra_keeps_its_first_integral()
    {
        // V = δu − γ ln u + βv − α ln v is constant along exact solutions.
        using var scope = NewDisposeScope();
        var task = new LotkaVolterra();
        var theta = task.SamplePrior(50, new Generator(4));
        var p = theta.data<double>().ToArray();
        var (states, failed) = LotkaVolterra.SolveAll(theta);
        Assert.Equal(0, failed);
        var (worstRegular, worstAll) = (0.0, 0.0);
        var regular = 0;
        for (var i = 0; i < 50; i++)
        {
            var drift = InvariantDrift(p.AsSpan(4 * i, 4), states.AsSpan(20 * i, 20));
            var minState = states.Skip(20 * i).Take(20).Min();
            worstAll = Math.Max(worstAll, drift);
            // atol = 1e-8 bounds absolute, not relative, error: once a population dips near 1e-8 its log (and V)
            // is only accurate to ~atol/state. Away from that, the drift must be at the rtol level.
            if (minState > 1e-3)
            {
                worstRegular = Math.Max(worstRegular, drift);
                regular++;
            }
        }
        Assert.True(regular >= 35, $"only {regular} regular orbits");
        Assert.InRange(worstRegular, 0.0, 1e-6);
        Assert.InRange(worstAll, 0.0, 1e-3);
    }

    [Fact]
    public void Lotka_volterra_invariant_is_exact_with_a_tiny_absolute_tolerance()
    {
        // An orbit whose prey dips to ~1e-8: with atol far below it the invariant holds again (the solver is right,
        // the spec's atol is what limits accuracy there).
        var theta = new[] { 2.386, 0.097, 0.312, 0.032 };
        var (loose, _) = OdeBatch.Solve(theta, 4, LotkaVolterra.Rhs, 0.0, LotkaVolterra.InitialState, LotkaVolterra.Times);
        var (tight, failed) = OdeBatch.Solve(theta, 4, LotkaVolterra.Rhs, 0.0, LotkaVolterra.InitialState,
            LotkaVolterra.Times, relTol: 1e-10, absTol: 1e-20);
        Assert.Equal(0, failed);
        Assert.True(loose.Min() < 1e-6);
        Assert.InRange(InvariantDrift(theta, tight), 0.0, 1e-7);
    }

    /// <summary>Largest |V(t_k) − V(0)| relative to the size of V's terms at t = 0.</summary>
    private static double InvariantDrift(ReadOnlySpan<double> theta, ReadOnlySpan<double> states)
    {
        double a = theta[0], b = theta[1], c = theta[2], d = theta[3];
        double V(double u, double v) => d * u - c * Math.Log(u) + b * v - a * Math.Log(v);
        var v0 = V(30.0, 1.0);
        var size = d * 30.0 + c * Math.Log(30.0) + b; // V itself can be near zero
        var worst = 0.0;
        for (var k = 1; k < states.Length / 2; k++)
        {
            worst = Math.Max(worst, Math.Abs(V(states[2 * k], states[2 * k + 1]) - v0) / size);
        }
        return worst;
    }

    [Fact]
    public void Lotka_volterra_true_parameters_reproduce_the_published_observation()
    {
        // x_o = exp(log state + 0.1 ε): log residuals at the true θ are N(0, 0.1²), prey first then predator.
        foreach (var k in new[] { 1, 2, 3 })
        {
            using var theta = SbiReferenceData.TrueParameters("lotka_volterra", k);
            var xo = SbiReferenceData.ObservationArray("lotka_volterra", k);
            var (states, _) = LotkaVolterra.SolveAll(theta);
            var residuals = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                for (var s = 0; s < 2; s++)
                {
                    residuals.Add(Math.Log(xo[s * 10 + i]) - Math.Log(Math.Clamp(states[2 * i + s], 1e-10, 1e4)));
                }
            }
            var rms = Math.Sqrt(residuals.Average(r => r * r));
            Assert.InRange(rms, 0.03, 0.2);
        }
    }

    [Fact]
    public void Ode_simulations_are_reproducible_and_noise_follows_the_spec()
    {
        using var scope = NewDisposeScope();
        var theta = tensor(new[] { 0.7, 0.11, 0.9, 0.12 }, ScalarType.Float64).unsqueeze(0).expand(2000, 4).contiguous();
        var x = new LotkaVolterra().Simulate(theta, new Generator(1));
        var (states, _) = LotkaVolterra.SolveAll(theta[..1]);
        // log x at t = 2.1 (prey) is N(log u, 0.1²).
        var logPrey = x[.., 1].log();
        Assert.Equal(Math.Log(states[2]), logPrey.mean().item<double>(), 0.01);
        Assert.Equal(0.1, logPrey.std().item<double>(), 0.005);

        var sirTheta = tensor(new[] { 0.6, 0.15 }, ScalarType.Float64).unsqueeze(0).expand(2000, 2).contiguous();
        var sirX = new Sir().Simulate(sirTheta, new Generator(1));
        Assert.True((sirX == sirX.round()).all().item<bool>());
        var (sirStates, _) = Sir.SolveAll(sirTheta[..1]);
        var p = sirStates[3 * 3 + 1] / Sir.Population; // t = 51
        Assert.Equal(1000 * p, sirX[.., 3].mean().item<double>(), 3 * Math.Sqrt(1000 * p * (1 - p) / 2000) + 0.01);
    }

    private static double[] Rk4(OdeRhs f, double[] y0, double[] times, double h)
    {
        var n = y0.Length;
        var y = (double[])y0.Clone();
        var result = new double[times.Length * n];
        double[] k1 = new double[n], k2 = new double[n], k3 = new double[n], k4 = new double[n], tmp = new double[n];
        var t = 0.0;
        for (var i = 0; i < times.Length; i++)
        {
            var steps = (int)Math.Round((times[i] - t) / h);
            for (var s = 0; s < steps; s++)
            {
                f(t, y, k1);
                for (var j = 0; j < n; j++) tmp[j] = y[j] + h / 2 * k1[j];
                f(t + h / 2, tmp, k2);
                for (var j = 0; j < n; j++) tmp[j] = y[j] + h / 2 * k2[j];
                f(t + h / 2, tmp, k3);
                for (var j = 0; j < n; j++) tmp[j] = y[j] + h * k3[j];
                f(t + h, tmp, k4);
                for (var j = 0; j < n; j++) y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]);
                t += h;
            }
            t = times[i];
            Array.Copy(y, 0, result, i * n, n);
        }
        return result;
    }
}
