using System.Text;

namespace Orchestrator.Tests.Telemetry;

/// <summary>
/// A protobuf wire-format reader: enough to decode the OTLP export requests the exporter really sends (the test's
/// receiver decodes them field by field, by the field numbers of opentelemetry-proto).
/// </summary>
public sealed class ProtobufMessage
{
    private readonly List<(int Field, int WireType, ulong Varint, ReadOnlyMemory<byte> Bytes)> _fields = [];

    public ProtobufMessage(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        var position = 0;
        while (position < span.Length)
        {
            var key = ReadVarint(span, ref position);
            var field = (int)(key >> 3);
            var wireType = (int)(key & 7);
            switch (wireType)
            {
                case 0:
                    _fields.Add((field, wireType, ReadVarint(span, ref position), default));
                    break;
                case 1:
                    _fields.Add((field, wireType, BitConverter.ToUInt64(span.Slice(position, 8)), data.Slice(position, 8)));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    _fields.Add((field, wireType, 0, data.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    _fields.Add((field, wireType, BitConverter.ToUInt32(span.Slice(position, 4)), data.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {wireType} of field {field} is not protobuf");
            }
        }
    }

    public IEnumerable<ProtobufMessage> Messages(int field) => _fields.Where(f => f.Field == field && f.WireType == 2).Select(f => new ProtobufMessage(f.Bytes));

    public ProtobufMessage? Message(int field) => Messages(field).FirstOrDefault();

    public string? String(int field) => _fields.Where(f => f.Field == field && f.WireType == 2).Select(f => Encoding.UTF8.GetString(f.Bytes.Span)).FirstOrDefault();

    public string Hex(int field) => _fields.Where(f => f.Field == field && f.WireType == 2).Select(f => Convert.ToHexStringLower(f.Bytes.Span)).FirstOrDefault() ?? "";

    public ulong? Fixed64(int field) => _fields.Where(f => f.Field == field && f.WireType == 1).Select(f => (ulong?)f.Varint).FirstOrDefault();

    public ulong? Varint(int field) => _fields.Where(f => f.Field == field && f.WireType == 0).Select(f => (ulong?)f.Varint).FirstOrDefault();

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
                return value;
        }
    }
}
