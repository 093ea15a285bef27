using System.Collections.Concurrent;
using System.Net;
using Orchestrator.Tests.Infrastructure;

namespace Orchestrator.Tests.Telemetry;

/// <summary>One span as OTLP carried it (opentelemetry-proto trace/v1 field numbers).</summary>
public sealed record ReceivedSpan(string Service, string TraceId, string SpanId, string ParentSpanId, string Name,
    IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<(string Name, IReadOnlyDictionary<string, string> Attributes)> Events, int StatusCode);

/// <summary>One number data point of a sum or gauge (metrics/v1).</summary>
public sealed record ReceivedPoint(string Metric, IReadOnlyDictionary<string, string> Attributes, double Value);

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver on loopback, standing in for a collector: accepts POST /v1/traces,
/// /v1/metrics and /v1/logs and decodes the spans and the number data points of sums and gauges.
/// </summary>
public sealed class OtlpHttpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> _points = new();
    private readonly Task _loop;
    private int _logRequests;

    public OtlpHttpReceiver()
    {
        Port = LoopbackPorts.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedPoint> Points => [.. _points];

    public int LogRequests => Volatile.Read(ref _logRequests);

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var message = new ProtobufMessage(body.ToArray());
            switch (context.Request.Url?.AbsolutePath)
            {
                case "/v1/traces":
                    DecodeSpans(message);
                    break;
                case "/v1/metrics":
                    DecodeMetrics(message);
                    break;
                case "/v1/logs":
                    Interlocked.Increment(ref _logRequests);
                    break;
            }
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    private void DecodeSpans(ProtobufMessage request)
    {
        foreach (var resourceSpans in request.Messages(1))
        {
            var service = Attributes(resourceSpans.Message(1)).GetValueOrDefault("service.name", "");
            foreach (var span in resourceSpans.Messages(2).SelectMany(scope => scope.Messages(2)))
            {
                var events = span.Messages(11).Select(e => (e.String(2) ?? "", (IReadOnlyDictionary<string, string>)Attributes(e, 3))).ToList();
                _spans.Enqueue(new ReceivedSpan(service, span.Hex(1), span.Hex(2), span.Hex(4), span.String(5) ?? "",
                    Attributes(span, 9), events, (int)(span.Message(15)?.Varint(3) ?? 0)));
            }
        }
    }

    private void DecodeMetrics(ProtobufMessage request)
    {
        foreach (var metric in request.Messages(1).SelectMany(r => r.Messages(2)).SelectMany(s => s.Messages(2)))
        {
            var name = metric.String(1) ?? "";
            // gauge = 5, sum = 7; both hold NumberDataPoints in field 1 (as_double = 4, as_int = 6, attributes = 7).
            foreach (var point in new[] { metric.Message(5), metric.Message(7) }.Where(m => m is not null).SelectMany(m => m!.Messages(1)))
            {
                var value = point.Fixed64(4) is { } d ? BitConverter.UInt64BitsToDouble(d) : (double)(long)(point.Fixed64(6) ?? 0);
                _points.Enqueue(new ReceivedPoint(name, Attributes(point, 7), value));
            }
        }
    }

    /// <summary>KeyValue list (key = 1, AnyValue = 2: string 1, bool 2, int 3, double 4) as strings.</summary>
    private static Dictionary<string, string> Attributes(ProtobufMessage? message, int field = 1)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (message is null)
            return attributes;
        foreach (var kv in message.Messages(field))
        {
            var value = kv.Message(2);
            attributes[kv.String(1) ?? ""] = value?.String(1)
                ?? (value?.Varint(3) is { } i ? ((long)i).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : value?.Fixed64(4) is { } d ? BitConverter.UInt64BitsToDouble(d).ToString("R", System.Globalization.CultureInfo.InvariantCulture)
                : value?.Varint(2) is { } b ? (b != 0).ToString() : "");
        }
        return attributes;
    }


    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
