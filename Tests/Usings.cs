global using Xunit;
global using TorchSharp;
