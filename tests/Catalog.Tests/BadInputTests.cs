using System.Net;

namespace Shop.Catalog.Tests;

/// <summary>
/// Every kind of bad input gets its own status with a problem+json body, and nothing is written: malformed JSON,
/// wrong types, missing fields, out-of-range values, oversize strings, control characters, unknown ids, wrong
/// media type, huge bodies, out-of-range paging. Never a 500.
/// </summary>
[Collection(CatalogCollection.Name)]
public sealed class BadInputTests(CatalogAppFixture fixture)
{
    private const string ValidItem = """{"name":"Fine","description":"ok","price":10.5,"categoryId":1,"availableStock":3}""";

    public static TheoryData<string, string, string, HttpStatusCode> AdminRequests()
    {
        var soon = DateTimeOffset.UtcNow.AddDays(40).ToString("O");
        var later = DateTimeOffset.UtcNow.AddDays(40).AddHours(1).ToString("O");
        string Sale(string itemId = "2", string price = "1.5", string quantity = "10", string limit = "2", string? start = null, string? end = null) =>
            $$"""{"itemId":{{itemId}},"salePrice":{{price}},"quantity":{{quantity}},"perBuyerLimit":{{limit}},"startsAt":"{{start ?? soon}}","endsAt":"{{end ?? later}}"}""";
        var longName = new string('n', 101);
        var longDescription = new string('d', 2001);
        return new()
        {
            // Items: body shape
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","price":""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":"ten","categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":123,"description":"ok","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":10,"categoryId":1.5,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":10,"categoryId":1,"availableStock":99999999999}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", "[]", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", "null", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", "", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", "{}", HttpStatusCode.BadRequest },
            // Items: values
            { "POST", "/api/admin/catalog/items", $$"""{"name":"{{longName}}","description":"ok","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", $$"""{"name":"Fine","description":"{{longDescription}}","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"   ","description":"ok","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Nul\u0000Byte","description":"ok","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Lone \ud800 surrogate","description":"ok","price":10,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":-1,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":0,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":10.999,"categoryId":1,"availableStock":3}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":10,"categoryId":1,"availableStock":-1}""", HttpStatusCode.BadRequest },
            { "POST", "/api/admin/catalog/items", """{"name":"Fine","description":"ok","price":10,"categoryId":999999,"availableStock":3}""", HttpStatusCode.BadRequest },
            // Items: ids
            { "PUT", "/api/admin/catalog/items/999999", ValidItem, HttpStatusCode.NotFound },
            { "PUT", "/api/admin/catalog/items/abc", ValidItem, HttpStatusCode.BadRequest },
            { "PUT", "/api/admin/catalog/items/99999999999", ValidItem, HttpStatusCode.BadRequest },
            { "PUT", "/api/admin/catalog/items/1", """{"name":"Fine","price":10}""", HttpStatusCode.BadRequest },
            { "DELETE", "/api/admin/catalog/items/999999", "", HttpStatusCode.NotFound },
            { "DELETE", "/api/admin/catalog/items/0", "", HttpStatusCode.NotFound },
            { "DELETE", "/api/admin/catalog/items/x", "", HttpStatusCode.BadRequest },
            // Flash sales
            { "POST", "/api/admin/flash-sales", Sale(end: soon), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(start: later, end: soon), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(start: DateTimeOffset.UtcNow.AddHours(-3).ToString("O"), end: DateTimeOffset.UtcNow.AddHours(-1).ToString("O")), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(price: "0"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(price: "-5"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(price: "999999"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(quantity: "0"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(limit: "0"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(quantity: "3", limit: "4"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(itemId: "999999"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(itemId: "\"two\""), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", Sale(start: "next tuesday"), HttpStatusCode.BadRequest },
            { "POST", "/api/admin/flash-sales", """{"itemId":2}""", HttpStatusCode.BadRequest },
            { "PUT", $"/api/admin/flash-sales/{Guid.NewGuid()}", Sale(), HttpStatusCode.NotFound },
            { "PUT", "/api/admin/flash-sales/not-a-guid", Sale(), HttpStatusCode.BadRequest },
            { "POST", $"/api/admin/flash-sales/{Guid.NewGuid()}/cancel", "", HttpStatusCode.NotFound },
            { "POST", "/api/admin/flash-sales/123/cancel", "", HttpStatusCode.BadRequest },
        };
    }

    [Theory]
    [MemberData(nameof(AdminRequests))]
    public async Task Bad_admin_requests_get_their_status_and_change_nothing(string method, string path, string body, HttpStatusCode expected)
    {
        var before = await fixture.FingerprintAsync();

        using var response = await fixture.SendAsync(new HttpMethod(method), path, fixture.AdminToken, body.Length == 0 && method != "POST" ? null : Http.RawJson(body));

        var problem = await Http.ReadProblemAsync(response, expected);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Fact]
    public async Task Validation_errors_name_each_bad_field()
    {
        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/admin/catalog/items", fixture.AdminToken,
            Http.RawJson("""{"name":"","description":"ok","price":-1,"categoryId":999999}"""));

        var errors = (await Http.ReadProblemAsync(response, HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in (string[])["name", "price", "categoryId", "availableStock"])
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for '{field}': {errors}");
        }
        Assert.False(errors.TryGetProperty("description", out _));
    }

    [Fact]
    public async Task A_wrong_media_type_gets_415_and_changes_nothing()
    {
        var before = await fixture.FingerprintAsync();
        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/admin/catalog/items", fixture.AdminToken,
            new StringContent(ValidItem, System.Text.Encoding.UTF8, "text/plain"));

        await Http.ReadProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Fact]
    public async Task A_huge_body_gets_413_and_changes_nothing()
    {
        var before = await fixture.FingerprintAsync();
        var huge = $$"""{"name":"Fine","description":"{{new string('x', 200_000)}}","price":10,"categoryId":1,"availableStock":3}""";

        using var response = await fixture.SendAsync(HttpMethod.Post, "/api/admin/catalog/items", fixture.AdminToken, Http.RawJson(huge));

        await Http.ReadProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Theory]
    [InlineData("/api/catalog/items?pageSize=0")]
    [InlineData("/api/catalog/items?pageSize=101")]
    [InlineData("/api/catalog/items?pageSize=-1")]
    [InlineData("/api/catalog/items?pageIndex=-1")]
    [InlineData("/api/catalog/items?pageIndex=100001")]
    [InlineData("/api/catalog/items?pageIndex=abc")]
    [InlineData("/api/catalog/items?pageSize=1e3")]
    [InlineData("/api/catalog/items?pageIndex=99999999999")]
    [InlineData("/api/catalog/items?categoryId=0")]
    [InlineData("/api/catalog/items?categoryId=shoes")]
    [InlineData("/api/catalog/items?name=%00")]
    [InlineData("/api/catalog/items/abc")]
    [InlineData("/api/catalog/items/abc/pic")]
    [InlineData("/api/flash-sales/not-a-guid")]
    public async Task Bad_reads_get_400(string uri)
    {
        using var response = await fixture.Client.GetAsync(uri);
        await Http.ReadProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task An_oversize_search_gets_400()
    {
        using var response = await fixture.Client.GetAsync("/api/catalog/items?name=" + new string('a', 101));
        var problem = await Http.ReadProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("/api/catalog/items/999999")]
    [InlineData("/api/catalog/items/0")]
    [InlineData("/api/catalog/items/-4")]
    [InlineData("/api/catalog/items/999999/pic")]
    [InlineData("/api/flash-sales/8d1f5a5e-8b1c-4a57-9f54-3c1e0c7f0a11")]
    [InlineData("/api/nothing-here")]
    public async Task Unknown_ids_get_404(string uri)
    {
        using var response = await fixture.Client.GetAsync(uri);
        await Http.ReadProblemAsync(response, HttpStatusCode.NotFound);
    }
}
