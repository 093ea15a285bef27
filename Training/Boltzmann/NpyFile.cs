using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Orchestrator.Training.Boltzmann;

/// <summary>
/// Reads and writes 2-D NumPy .npy files (format 1.0/2.0/3.0, little-endian float32 or float64, C order), the layout
/// of the Boltzmann data splits. Anything else (Fortran order, other dtypes, big-endian) is rejected with its header.
/// </summary>
public static partial class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The array as a float32 tensor of its stored shape.</summary>
    public static Tensor Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (!magic.SequenceEqual(Magic))
            throw new InvalidDataException($"{path} is not a .npy file.");
        var major = reader.ReadByte();
        reader.ReadByte();
        var headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        var header = Encoding.Latin1.GetString(reader.ReadBytes(headerLength));
        var descr = DescrPattern().Match(header);
        var shape = ShapePattern().Match(header);
        if (!descr.Success || !shape.Success || !header.Contains("'fortran_order': False"))
            throw new InvalidDataException($"{path}: unsupported .npy header {header.Trim()}.");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(long.Parse).ToArray();
        var count = dims.Aggregate(1L, (a, b) => a * b);
        return descr.Groups[1].Value switch
        {
            "<f4" => tensor(ReadValues<float>(reader, count, path), dims),
            "<f8" => tensor(ReadValues<double>(reader, count, path), dims).to(ScalarType.Float32),
            var other => throw new InvalidDataException($"{path}: dtype '{other}' is not supported (little-endian float32/64 only)."),
        };
    }

    /// <summary>Writes a float32 C-order .npy file (format 1.0) of the tensor's shape.</summary>
    public static void Write(string path, Tensor values)
    {
        var data = values.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        var shape = values.shape.Length == 1 ? $"({values.shape[0]},)" : $"({string.Join(", ", values.shape)})";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        // Magic (6) + version (2) + length (2) + header + '\n' is padded to a multiple of 64 bytes.
        var padding = 64 - ((10 + header.Length + 1) % 64);
        header = header + new string(' ', padding % 64) + "\n";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.Latin1.GetBytes(header));
        var bytes = new byte[data.Length * sizeof(float)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        writer.Write(bytes);
    }

    private static T[] ReadValues<T>(BinaryReader reader, long count, string path) where T : unmanaged
    {
        var size = System.Runtime.InteropServices.Marshal.SizeOf<T>();
        var bytes = reader.ReadBytes(checked((int)(count * size)));
        if (bytes.Length != count * size)
            throw new InvalidDataException($"{path} is truncated: {bytes.Length} bytes of data, expected {count * size}.");
        var values = new T[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    [GeneratedRegex(@"'descr':\s*'([^']*)'")]
    private static partial Regex DescrPattern();

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
