namespace Orchestrator.TrialHost;

/// <summary><c>Orchestrator.TrialHost cuda-probe</c>: prints the number of CUDA devices libtorch sees (0 when none or it fails).</summary>
public static class CudaProbe
{
    public const string Command = "cuda-probe";

    public static int Run()
    {
        int count;
        try
        {
            count = TorchSharp.torch.cuda.is_available() ? TorchSharp.torch.cuda.device_count() : 0;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException)
        {
            count = 0;
        }
        Console.WriteLine(count);
        return 0;
    }
}
