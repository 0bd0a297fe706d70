using System.Net.Http.Json;
using System.Text.Json;
using Shop.Bench.Reporting;

namespace Shop.Bench.Scenarios;

/// <summary>
/// Scenario 3, the catalog read storm: the anonymous reads every visitor of the sale page makes, half
/// <c>GET /api/catalog/items?pageIndex&amp;pageSize=10</c> over the first pages, half <c>GET /api/catalog/items/{id}</c>
/// over the items of those pages, on catalog-api (cached: Redis plus an in-process layer).
/// </summary>
public static class CatalogScenario
{
    private const int Pages = 5;
    private const int PageSize = 10;

    public static async Task<ScenarioResult> RunAsync(BenchContext context, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var paths = await PathsAsync(context.Shop.Catalog, cancellationToken).ConfigureAwait(false);
        var settings = new LoadSettings(rate, duration, context.Options.MaxInFlight, TimeSpan.FromSeconds(30));
        var traffic = new ReadTraffic(context.Http, context.Shop.Catalog, paths);
        context.Log($"catalog read storm: {settings.Requests:N0} requests at {rate:N0}/s over {paths.Count} URLs ...");
        var cpu = context.Meter($"catalog read storm (catalog-api, {rate:N0}/s offered)");
        cpu.Start();
        var run = await new OpenLoopGenerator(settings).RunAsync(traffic.SendAsync, cancellationToken).ConfigureAwait(false);
        var shares = cpu.Stop();
        var result = ScenarioResult.From("catalog read storm", "catalog-api",
            $"GET item pages and items at {rate:N0}/s for {duration.TotalSeconds:0.#} s ({paths.Count} distinct URLs)", run, traffic.Errors) with { Cpu = shares };
        context.Log(SaleScenario.Summary(result));
        return result;
    }

    /// <summary>Page URLs and the item URLs found on those pages.</summary>
    public static async Task<IReadOnlyList<string>> PathsAsync(Uri catalog, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = catalog, Timeout = TimeSpan.FromSeconds(30) };
        var paths = new List<string>();
        var items = new List<string>();
        for (var page = 0; page < Pages; page++)
        {
            var path = $"/api/catalog/items?pageIndex={page}&pageSize={PageSize}";
            var body = await client.GetFromJsonAsync<JsonElement>(path, cancellationToken).ConfigureAwait(false);
            paths.Add(path);
            if (body.TryGetProperty("data", out var data))
            {
                items.AddRange(data.EnumerateArray().Select(item => $"/api/catalog/items/{item.GetProperty("id").GetRawText()}"));
            }
        }
        if (items.Count == 0)
        {
            throw new InvalidOperationException("The catalog has no items: the read storm needs the seeded catalog.");
        }
        // Alternate: page, item, page, item, ...
        return [.. Enumerable.Range(0, Math.Max(paths.Count, items.Count)).SelectMany(i => new[] { paths[i % paths.Count], items[i % items.Count] })];
    }
}

/// <summary>Anonymous GETs over a fixed list of URLs, round-robin: 2xx is <see cref="Outcome.Ok"/>, 429 shed, else error.</summary>
public sealed class ReadTraffic(LoadHttpClient http, Uri server, IReadOnlyList<string> paths)
{
    private readonly Uri[] _targets = [.. paths.Select(p => new Uri(server, p))];

    public System.Collections.Concurrent.ConcurrentDictionary<string, long> Errors { get; } = new();

    public async ValueTask<Outcome> SendAsync(long index, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _targets[index % _targets.Length]);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(256);
        try
        {
            var (status, _) = await http.SendAsync(request, buffer.AsMemory(0, 256), cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and < 300)
            {
                return Outcome.Ok;
            }
            if (status == 429)
            {
                return Outcome.Shed;
            }
            Errors.AddOrUpdate(status.ToString(System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
            return Outcome.Error;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            Errors.AddOrUpdate(e is OperationCanceledException ? "no answer (cancelled at drain timeout)" : e.GetType().Name, 1, (_, n) => n + 1);
            return Outcome.Error;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
