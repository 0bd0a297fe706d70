using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Catalog.Tests;

// The JSON shapes as a client sees them (camelCase web defaults): written independently of the service's records,
// so a change of the wire format breaks these tests.
public sealed record ItemDto(int Id, string Name, string Description, decimal Price, int CategoryId, string CategoryName, int AvailableStock, string PictureUrl);

public sealed record ItemsPageDto(int PageIndex, int PageSize, long Count, List<ItemDto> Data);

public sealed record CategoryDto(int Id, string Name);

public sealed record SaleDto(
    Guid Id, int ItemId, string ItemName, string PictureUrl, decimal RegularPrice, decimal SalePrice, int Quantity, int PerBuyerLimit,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Status, long Version);

public sealed record CacheStatsDto(long Hits, long MemoryHits, long RedisHits, long Misses, long Loads, long Coalesced, long RedisErrors);

public static class Http
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }

    /// <summary>Asserts an RFC 7807 answer with the status, and returns its body.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"expected problem+json, got '{response.Content.Headers.ContentType}': {body}");
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static async Task<T> GetAsync<T>(this HttpClient client, string uri)
    {
        using var response = await client.GetAsync(uri);
        return await ReadAsync<T>(response);
    }

    public static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static JsonContent Body(object value) => JsonContent.Create(value);
}
