using System.Net;

namespace Shop.Catalog.Tests;

/// <summary>Every admin endpoint refuses anonymous callers (401), bad tokens (401) and shoppers (403), writing nothing.</summary>
[Collection(CatalogCollection.Name)]
public sealed class AdminAuthorizationTests(CatalogAppFixture fixture)
{
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "POST", "/api/admin/catalog/items" },
        { "PUT", "/api/admin/catalog/items/1" },
        { "DELETE", "/api/admin/catalog/items/1" },
        { "GET", "/api/admin/catalog/cache-stats" },
        { "GET", "/api/admin/flash-sales" },
        { "POST", "/api/admin/flash-sales" },
        { "PUT", $"/api/admin/flash-sales/{Guid.NewGuid()}" },
        { "POST", $"/api/admin/flash-sales/{Guid.NewGuid()}/cancel" },
    };

    // A body that would be accepted from an admin, so only authorization can refuse it.
    private static HttpContent ValidBody(string method, string path) => Http.Body(path.Contains("flash-sales", StringComparison.Ordinal)
        ? new { itemId = 2, salePrice = 1m, quantity = 10, perBuyerLimit = 1, startsAt = DateTimeOffset.UtcNow.AddDays(200), endsAt = DateTimeOffset.UtcNow.AddDays(200).AddHours(1) }
        : new { name = "Refused", description = "x", price = 1m, categoryId = 1, availableStock = 1 });

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Anonymous_callers_get_401(string method, string path)
    {
        var before = await fixture.FingerprintAsync();
        using var response = await fixture.SendAsync(new HttpMethod(method), path, token: null, method == "GET" ? null : ValidBody(method, path));

        var problem = await Http.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Contains("token", problem.GetProperty("detail").GetString());
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task Shoppers_get_403(string method, string path)
    {
        var before = await fixture.FingerprintAsync();
        using var response = await fixture.SendAsync(new HttpMethod(method), path, fixture.ShopperToken, method == "GET" ? null : ValidBody(method, path));

        await Http.ReadProblemAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.")] // alg none, role admin
    public async Task Garbage_and_unsigned_tokens_get_401(string token)
    {
        var before = await fixture.FingerprintAsync();
        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/admin/catalog/items", token, ValidBody("POST", "/api/admin/catalog/items"));

        await Http.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Fact]
    public async Task A_tampered_admin_token_gets_401()
    {
        // Flip one character of the signature: the claims still say admin, the signature no longer matches.
        var token = fixture.AdminToken;
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        var before = await fixture.FingerprintAsync();

        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/admin/catalog/items", tampered, ValidBody("POST", "/api/admin/catalog/items"));

        await Http.ReadProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }
}
