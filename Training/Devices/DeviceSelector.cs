using TorchSharp;

namespace Orchestrator.Training.Devices;

/// <summary>Turns a device name ("cpu", "cuda", "cuda:1") into a TorchSharp device, with a clear error when CUDA is absent.</summary>
public static class DeviceSelector
{
    /// <summary>The device to use when none is named: CPU, which every machine has.</summary>
    public const string Default = "cpu";

    public static torch.Device Parse(string? name)
    {
        var text = string.IsNullOrWhiteSpace(name) ? Default : name.Trim().ToLowerInvariant();
        if (text == "cpu")
            return torch.CPU;
        if (text == "cuda" || text.StartsWith("cuda:", StringComparison.Ordinal))
        {
            var index = 0;
            if (text.Length > 4 && (!int.TryParse(text[5..], out index) || index < 0))
                throw new ArgumentException($"Device '{name}' is not valid: expected 'cuda' or 'cuda:N' with N ≥ 0.");
            if (!torch.cuda.is_available())
                throw new ArgumentException($"Device '{name}' was requested but CUDA is not available on this machine (use 'cpu').");
            var count = torch.cuda.device_count();
            if (index >= count)
                throw new ArgumentException($"Device '{name}' was requested but this machine has {count} CUDA device(s) (cuda:0..cuda:{count - 1}).");
            return new torch.Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"Device '{name}' is not known: expected 'cpu', 'cuda' or 'cuda:N'.");
    }
}
