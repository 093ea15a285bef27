using Orchestrator.Training.Devices;
using TorchSharp;
using static TorchSharp.torch;

namespace Orchestrator.Tests;

public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void An_op_and_a_backward_pass_run_on_cpu()
    {
        using var x = tensor(new[] { 1.0, 2.0, 3.0 }, requires_grad: true);
        using var y = (x * x).sum();
        y.backward();
        Assert.Equal(new[] { 2.0, 4.0, 6.0 }, x.grad!.data<double>().ToArray());
    }

    [Fact]
    public void Cpu_is_the_default_device()
    {
        Assert.Equal(DeviceType.CPU, DeviceSelector.Parse(null).type);
        Assert.Equal(DeviceType.CPU, DeviceSelector.Parse("CPU").type);
    }

    [Fact]
    public void Asking_for_cuda_without_cuda_is_a_clear_error()
    {
        if (cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, DeviceSelector.Parse("cuda").type);
            return;
        }
        var error = Assert.Throws<ArgumentException>(() => DeviceSelector.Parse("cuda:0"));
        Assert.Contains("CUDA is not available", error.Message);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cuda:-1")]
    public void Unknown_device_names_are_rejected(string name)
    {
        Assert.Throws<ArgumentException>(() => DeviceSelector.Parse(name));
    }
}
