using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Bench.Reporting;

/// <summary>
/// Writes a report as bench/results/&lt;date&gt;-&lt;scenario&gt;.md and .json, and a full run also as latest.md and
/// latest.json (a partial or quick run never replaces the committed full run's).
/// </summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // A file for people and scripts, not HTML: µ, ≤ and — stay readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IReadOnlyList<string> Write(BenchReport report, string folder, string scenario, bool latest = true)
    {
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"{report.StartedAt:yyyy-MM-dd}-{scenario}");
        var markdown = MarkdownReport.Render(report);
        File.WriteAllText(stem + ".md", markdown);
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(report, Json) + "\n");
        if (!latest)
        {
            return [stem + ".md", stem + ".json"];
        }
        var latestFile = Path.Combine(folder, "latest.md");
        File.WriteAllText(latestFile, markdown);
        File.Copy(stem + ".json", Path.Combine(folder, "latest.json"), overwrite: true);
        return [stem + ".md", stem + ".json", latestFile, Path.Combine(folder, "latest.json")];
    }

    /// <summary>A report written by <see cref="Write"/>, read back (to render it again after a change of the markdown).</summary>
    public static BenchReport Read(string jsonFile) =>
        JsonSerializer.Deserialize<BenchReport>(File.ReadAllText(jsonFile), Json) ?? throw new InvalidDataException($"{jsonFile} holds no report");

    /// <summary>bench/results of the repository this program was built from (found by walking up to Shop.sln).</summary>
    public static string DefaultFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Shop.sln")))
                {
                    return Path.Combine(directory.FullName, "bench", "results");
                }
            }
        }
        return Path.Combine(Directory.GetCurrentDirectory(), "bench-results");
    }
}
