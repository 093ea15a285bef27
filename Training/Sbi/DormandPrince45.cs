namespace Orchestrator.Training.Sbi;

/// <summary>Right-hand side dy/dt = f(t, y), written into <paramref name="dy"/> (no allocation per call).</summary>
public delegate void OdeRhs(double t, ReadOnlySpan<double> y, Span<double> dy);

/// <summary>
/// Adaptive explicit Runge–Kutta 5(4) of Dormand and Prince (the scheme of Julia's DP5 / scipy's RK45), with
/// local extrapolation, FSAL, the standard PI-free step control and Hairer's initial step guess. Steps are
/// clipped to land exactly on each requested output time, so no interpolation error enters the outputs.
/// Deterministic and allocation-light: one solver instance per thread.
/// </summary>
public sealed class DormandPrince45
{
    // Butcher tableau.
    private const double C2 = 1.0 / 5, C3 = 3.0 / 10, C4 = 4.0 / 5, C5 = 8.0 / 9;
    private const double A21 = 1.0 / 5;
    private const double A31 = 3.0 / 40, A32 = 9.0 / 40;
    private const double A41 = 44.0 / 45, A42 = -56.0 / 15, A43 = 32.0 / 9;
    private const double A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561, A54 = -212.0 / 729;
    private const double A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247, A64 = 49.0 / 176, A65 = -5103.0 / 18656;
    private const double B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192, B5 = -2187.0 / 6784, B6 = 11.0 / 84;
    // Error weights: 5th-order minus embedded 4th-order weights.
    private const double E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920, E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

    private const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10.0;

    private readonly int _n;
    private readonly double[] _k1, _k2, _k3, _k4, _k5, _k6, _k7, _y, _yNew, _tmp;

    public DormandPrince45(int dimension)
    {
        _n = dimension;
        _k1 = new double[dimension]; _k2 = new double[dimension]; _k3 = new double[dimension];
        _k4 = new double[dimension]; _k5 = new double[dimension]; _k6 = new double[dimension];
        _k7 = new double[dimension]; _y = new double[dimension]; _yNew = new double[dimension];
        _tmp = new double[dimension];
    }

    /// <summary>Relative tolerance (sbibm: 1e-8).</summary>
    public double RelTol { get; init; } = 1e-8;

    /// <summary>Absolute tolerance (sbibm: 1e-8).</summary>
    public double AbsTol { get; init; } = 1e-8;

    /// <summary>Accepted plus rejected steps allowed before giving up (Julia's default maxiters is 1e5).</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Steps accepted in the last solve.</summary>
    public int AcceptedSteps { get; private set; }

    /// <summary>
    /// Integrates from y(t0) = y0 and writes y at each time of <paramref name="times"/> (ascending, ≥ t0) into
    /// <paramref name="output"/> (row-major [times, dimension]). Returns false on failure: non-finite state,
    /// step size underflow or too many steps; then the output is left incomplete.
    /// </summary>
    public bool Solve(OdeRhs f, double t0, ReadOnlySpan<double> y0, ReadOnlySpan<double> times, Span<double> output)
    {
        if (y0.Length != _n || output.Length != times.Length * _n)
        {
            throw new ArgumentException("y0 / output sizes do not match the solver dimension and times.");
        }
        y0.CopyTo(_y);
        AcceptedSteps = 0;
        var t = t0;
        var steps = 0;
        f(t, _y, _k1);
        var h = InitialStep(f, t, times.Length > 0 ? times[^1] - t0 : 0.0);

        for (var i = 0; i < times.Length; i++)
        {
            var target = times[i];
            while (t < target)
            {
                if (++steps > MaxSteps || !double.IsFinite(h) || h <= 1e-14 * Math.Max(1.0, Math.Abs(t)))
                {
                    return false;
                }
                // Land exactly on the output time; the stretch avoids a tiny leftover step.
                var last = t + 1.01 * h >= target;
                var hStep = last ? target - t : h;
                var err = Step(f, t, hStep);
                if (!double.IsFinite(err))
                {
                    h *= MinFactor;
                    continue;
                }
                var factor = err == 0.0 ? MaxFactor : Math.Clamp(Safety * Math.Pow(err, -0.2), MinFactor, MaxFactor);
                if (err <= 1.0)
                {
                    t = last ? target : t + hStep;
                    Array.Copy(_yNew, _y, _n);
                    Array.Copy(_k7, _k1, _n); // FSAL: the last stage is f at the new point.
                    AcceptedSteps++;
                    // After a clipped step keep the larger of the proposals, so output times don't throttle h.
                    h = last ? Math.Max(h, hStep * factor) : hStep * factor;
                }
                else
                {
                    h = hStep * Math.Min(1.0, factor);
                }
            }
            for (var j = 0; j < _n; j++)
            {
                if (!double.IsFinite(_y[j]))
                {
                    return false;
                }
                output[i * _n + j] = _y[j];
            }
        }
        return true;
    }

    /// <summary>One trial step of size h from (t, _y) with _k1 = f(t, _y); returns the scaled error norm.</summary>
    private double Step(OdeRhs f, double t, double h)
    {
        int n = _n;
        for (var j = 0; j < n; j++) _tmp[j] = _y[j] + h * A21 * _k1[j];
        f(t + C2 * h, _tmp, _k2);
        for (var j = 0; j < n; j++) _tmp[j] = _y[j] + h * (A31 * _k1[j] + A32 * _k2[j]);
        f(t + C3 * h, _tmp, _k3);
        for (var j = 0; j < n; j++) _tmp[j] = _y[j] + h * (A41 * _k1[j] + A42 * _k2[j] + A43 * _k3[j]);
        f(t + C4 * h, _tmp, _k4);
        for (var j = 0; j < n; j++) _tmp[j] = _y[j] + h * (A51 * _k1[j] + A52 * _k2[j] + A53 * _k3[j] + A54 * _k4[j]);
        f(t + C5 * h, _tmp, _k5);
        for (var j = 0; j < n; j++) _tmp[j] = _y[j] + h * (A61 * _k1[j] + A62 * _k2[j] + A63 * _k3[j] + A64 * _k4[j] + A65 * _k5[j]);
        f(t + h, _tmp, _k6);
        for (var j = 0; j < n; j++) _yNew[j] = _y[j] + h * (B1 * _k1[j] + B3 * _k3[j] + B4 * _k4[j] + B5 * _k5[j] + B6 * _k6[j]);
        f(t + h, _yNew, _k7);

        var sum = 0.0;
        for (var j = 0; j < n; j++)
        {
            var e = h * (E1 * _k1[j] + E3 * _k3[j] + E4 * _k4[j] + E5 * _k5[j] + E6 * _k6[j] + E7 * _k7[j]);
            var scale = AbsTol + RelTol * Math.Max(Math.Abs(_y[j]), Math.Abs(_yNew[j]));
            sum += (e / scale) * (e / scale);
        }
        return Math.Sqrt(sum / n);
    }

    /// <summary>Hairer, Nørsett &amp; Wanner's starting step (Solving ODEs I, II.4), with _k1 = f(t, _y).</summary>
    private double InitialStep(OdeRhs f, double t, double span)
    {
        double d0 = 0, d1 = 0;
        for (var j = 0; j < _n; j++)
        {
            var sc = AbsTol + RelTol * Math.Abs(_y[j]);
            d0 += (_y[j] / sc) * (_y[j] / sc);
            d1 += (_k1[j] / sc) * (_k1[j] / sc);
        }
        d0 = Math.Sqrt(d0 / _n);
        d1 = Math.Sqrt(d1 / _n);
        var h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        if (span > 0)
        {
            h0 = Math.Min(h0, span);
        }
        for (var j = 0; j < _n; j++) _tmp[j] = _y[j] + h0 * _k1[j];
        f(t + h0, _tmp, _k2);
        double d2 = 0;
        for (var j = 0; j < _n; j++)
        {
            var sc = AbsTol + RelTol * Math.Abs(_y[j]);
            var v = (_k2[j] - _k1[j]) / sc;
            d2 += v * v;
        }
        d2 = Math.Sqrt(d2 / _n) / h0;
        var h1 = Math.Max(d1, d2) <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / Math.Max(d1, d2), 0.2);
        var h = Math.Min(100 * h0, h1);
        return span > 0 ? Math.Min(h, span) : h;
    }
}
