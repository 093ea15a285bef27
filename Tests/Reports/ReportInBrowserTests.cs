using Orchestrator.Client.Reports;
using Orchestrator.Tests.Orchestration;
using Xunit.Abstractions;

namespace Orchestrator.Tests.Reports;

/// <summary>The HTML report of a real finished sweep, opened in headless Chromium: plots render, the table sorts and filters.</summary>
public sealed class ReportInBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_report_of_a_finished_sweep_renders_its_plots_and_its_table_sorts()
    {
        var store = Directory.CreateTempSubdirectory("orchestrator-report-").FullName;
        string path;
        await using (var cluster = await OrchestratorTestCluster.StartAsync(1, o => o.LocalPath = store, slotsPerSilo: 2))
        {
            await cluster.Client.SubmitAsync(OrchestratorTestCluster.TinySpec("reported", search: "beta: [1, 10, 100]", seeds: "[1, 2]", epochs: 3));
            Assert.Equal(6, (await cluster.RunToEndAsync("reported", TimeSpan.FromMinutes(4))).Status.Completed);
            path = await ReportWriter.WriteAsync(cluster.Client, "reported", Path.Combine(store, "reports"));
        }

        await using var browser = await HeadlessChromium.StartAsync();
        await browser.NavigateAsync(new Uri(path).AbsoluteUri);

        Assert.Equal("C2ST vs beta", await browser.EvaluateAsync<string>("document.querySelector('#objective svg .title').textContent"));
        Assert.Equal("beta", await browser.EvaluateAsync<string>("document.querySelector('#objective svg .xlabel').textContent"));
        Assert.StartsWith("C2ST", await browser.EvaluateAsync<string>("document.querySelector('#objective svg .ylabel').textContent"));
        Assert.Equal(3, await browser.EvaluateAsync<int>("document.querySelectorAll('#objective svg circle.point').length"));
        Assert.Equal(["1", "10", "100"], await browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#objective svg .xtick')].map(t => t.textContent)"));
        Assert.Equal(3, await browser.EvaluateAsync<int>("document.querySelectorAll('#curves svg polyline').length"));
        // Labelled as the progress bars label it: the per-epoch NLL is not the final "val NLL".
        Assert.Equal("val NLL (encoder, z) per epoch", await browser.EvaluateAsync<string>("document.querySelector('#curves svg .ylabel').textContent"));
        Assert.Equal(3 * 3, await browser.EvaluateAsync<int>("document.querySelectorAll('#curves svg circle.point').length")); // 3 groups × 3 epochs
        Assert.Equal(["Trial durations", "Worker utilisation over time"],
            await browser.EvaluateAsync<string[]>("[...document.querySelectorAll('#timing svg .title')].map(t => t.textContent)"));
        Assert.InRange(await browser.EvaluateAsync<int>("document.querySelectorAll('#timing svg g.rects')[0].querySelectorAll('rect').length"), 1, 6);
        Assert.Equal(2, await browser.EvaluateAsync<int>("document.querySelectorAll('#timing svg')[1].querySelectorAll('.ytick').length")); // two worker lanes
        Assert.True(await browser.EvaluateAsync<int>("document.querySelectorAll('#timing svg g.rects')[1].querySelectorAll('rect').length") >= 2);
        Assert.Equal(6, await browser.EvaluateAsync<int>("document.querySelectorAll('#trials tbody tr').length"));

        // Sort by validation NLL: ascending on the first click, descending on the second.
        const string nllColumn = "[...document.querySelectorAll('#trials th')].findIndex(h => h.dataset.key === 'val NLL')";
        const string nllValues = $"[...document.querySelectorAll('#trials tbody tr')].map(r => Number(r.children[{nllColumn}].textContent))";
        await browser.EvaluateAsync<bool>($"(document.querySelectorAll('#trials th')[{nllColumn}].click(), true)");
        var ascending = await browser.EvaluateAsync<double[]>(nllValues);
        Assert.Equal(ascending.Order(), ascending);
        await browser.EvaluateAsync<bool>($"(document.querySelectorAll('#trials th')[{nllColumn}].click(), true)");
        var descending = await browser.EvaluateAsync<double[]>(nllValues);
        Assert.Equal(descending.OrderDescending(), descending);
        await browser.EvaluateAsync<bool>("(() => { const f = document.getElementById('filter'); f.value = 'beta=100'; f.dispatchEvent(new Event('input')); return true; })()");
        Assert.Equal(2, await browser.EvaluateAsync<int>("document.querySelectorAll('#trials tbody tr').length"));
        await browser.EvaluateAsync<bool>("(() => { const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); return true; })()");

        var screenshot = await browser.ScreenshotAsync(1400);
        var artifact = Path.Combine(AppContext.BaseDirectory, "artifacts", "report-screenshot.png");
        Directory.CreateDirectory(Path.GetDirectoryName(artifact)!);
        await File.WriteAllBytesAsync(artifact, screenshot);
        output.WriteLine($"screenshot: {artifact}");
        Assert.True(screenshot.Length > 20_000, $"screenshot of {screenshot.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], screenshot[..4]);
    }
}
