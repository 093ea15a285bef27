using Orchestrator.Client.Sdk;

namespace Orchestrator.Client.Reports;

/// <summary>Fetches what a report needs (results, reduced learning curves) and writes <c>&lt;folder&gt;/&lt;sweep&gt;.html</c>.</summary>
public static class ReportWriter
{
    public static async Task<string> WriteAsync(IOrchestratorClient client, string sweep, string folder)
    {
        var results = await client.GetResultsAsync(sweep);
        var curves = await client.GetLearningCurvesAsync(sweep);
        Directory.CreateDirectory(folder);
        var path = Path.GetFullPath(Path.Combine(folder, sweep + ".html"));
        await File.WriteAllTextAsync(path, HtmlReport.Render(results, curves, DateTimeOffset.UtcNow));
        return path;
    }
}
