using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Orchestrator.Tests.Reports;

/// <summary>
/// Debian's headless Chromium driven over the DevTools protocol (one page, a WebSocket, JSON commands): navigate,
/// evaluate script, take a full-page screenshot. No browser download: /usr/bin/chromium, installed by .ci/run.
/// </summary>
public sealed partial class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static async Task<HeadlessChromium> StartAsync()
    {
        var profile = Directory.CreateTempSubdirectory("orchestrator-chromium-").FullName;
        var info = new ProcessStartInfo("chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0",
                $"--user-data-dir={profile}", "about:blank"])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("chromium is not installed (Debian package chromium; .ci/run installs it).", e);
        }
        var browser = new HeadlessChromium(process, profile);
        var endpoint = await ReadDevToolsEndpointAsync(process);
        using var http = new HttpClient();
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://{endpoint}/json/list"))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await browser._socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), CancellationToken.None);
        return browser;
    }

    /// <summary>Opens the URL and waits until the document and its scripts have loaded.</summary>
    public async Task NavigateAsync(string url)
    {
        await SendAsync("Page.navigate", new JsonObject { ["url"] = url });
        for (var waited = 0; await EvaluateAsync<string>("document.readyState") != "complete"; waited += 100)
        {
            if (waited > 30_000)
                throw new TimeoutException($"{url} did not finish loading in 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>The JSON value of a script expression.</summary>
    public async Task<T> EvaluateAsync<T>(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true });
        if (result["exceptionDetails"] is { } error)
            throw new InvalidOperationException($"script failed: {error.ToJsonString()}");
        return result["result"]!["value"].Deserialize<T>()!;
    }

    /// <summary>A PNG of the whole page at the given width.</summary>
    public async Task<byte[]> ScreenshotAsync(int width)
    {
        var height = await EvaluateAsync<int>("Math.ceil(document.documentElement.scrollHeight)");
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        });
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject { ["format"] = "png", ["captureBeyondViewport"] = true });
        return Convert.FromBase64String((string)shot["data"]!);
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var reply = await ReceiveAsync(timeout.Token);
            if ((int?)reply["id"] != id)
                continue; // an event, or the answer to an earlier command
            if (reply["error"] is { } error)
                throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            return reply["result"]!;
        }
    }

    private async Task<JsonNode> ReceiveAsync(CancellationToken cancellation)
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        WebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer, cancellation);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!;
    }

    private static async Task<string> ReadDevToolsEndpointAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (DevToolsLine().Match(line) is { Success: true } match)
            {
                _ = process.StandardError.ReadToEndAsync(); // keep draining so chromium never blocks on stderr
                return match.Groups[1].Value;
            }
        }
        throw new InvalidOperationException("chromium exited without a DevTools endpoint");
    }

    [GeneratedRegex(@"DevTools listening on ws://([^/]+)/")]
    private static partial Regex DevToolsLine();

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // chromium may still be flushing its profile; it is a temp folder
        }
    }
}
