using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Ordering.Api.Tests;

/// <summary>Every bad checkout gets its 4xx problem+json with a reason, and changes nothing: no stock taken, no order.</summary>
[Collection(PipelineCollection.Name)]
public sealed class CheckoutBadInputTests(PipelineFixture fixture)
{
    private CheckoutClient Checkout => new(fixture.Shop);

    public static TheoryData<string, string?, string?, string, HttpStatusCode, string> BadCheckouts() => new()
    {
        // name, idempotency key, body ({item} is a stocked item), content type, status, words in the detail
        { "no key", null, """{"items":[{"itemId":{item},"quantity":1}]}""", "application/json", HttpStatusCode.BadRequest, "Idempotency-Key" },
        { "bad key", "no spaces allowed", """{"items":[{"itemId":{item},"quantity":1}]}""", "application/json", HttpStatusCode.BadRequest, "Idempotency-Key" },
        { "malformed", "k", """{"items":[{"itemId":""", "application/json", HttpStatusCode.BadRequest, "JSON like" },
        { "wrong types", "k", """{"items":[{"itemId":"one","quantity":1}]}""", "application/json", HttpStatusCode.BadRequest, "JSON like" },
        { "no lines", "k", """{"items":[]}""", "application/json", HttpStatusCode.BadRequest, "empty" },
        { "no items", "k", """{}""", "application/json", HttpStatusCode.BadRequest, "empty" },
        { "quantity 0", "k", """{"items":[{"itemId":{item},"quantity":0}]}""", "application/json", HttpStatusCode.BadRequest, "between 1 and 10" },
        { "quantity 11", "k", """{"items":[{"itemId":{item},"quantity":11}]}""", "application/json", HttpStatusCode.BadRequest, "between 1 and 10" },
        { "listed twice", "k", """{"items":[{"itemId":{item},"quantity":1},{"itemId":{item},"quantity":2}]}""", "application/json", HttpStatusCode.BadRequest, "twice" },
        { "null line", "k", """{"items":[{"itemId":{item},"quantity":1},null]}""", "application/json", HttpStatusCode.BadRequest, "A line is null" },
        { "bad item id", "k", """{"items":[{"itemId":-4,"quantity":1}]}""", "application/json", HttpStatusCode.BadRequest, "not valid" },
        { "not json", "k", "items=1", "text/plain", HttpStatusCode.UnsupportedMediaType, "application/json" },
        { "unknown item", "k", """{"items":[{"itemId":{item},"quantity":1},{"itemId":888888888,"quantity":1}]}""", "application/json", HttpStatusCode.UnprocessableEntity, "888888888" },
    };

    [Theory]
    [MemberData(nameof(BadCheckouts))]
    public async Task A_bad_checkout_is_refused_with_a_reason_and_changes_nothing(string name, string? key, string? body, string contentType, HttpStatusCode status, string words)
    {
        var item = await Checkout.NewItemAsync(stock: 3);
        var buyer = $"bad-{name.Replace(' ', '-')}";

        using var response = await Checkout.CheckoutAsync(fixture.Shop.Token(buyer), key, body?.Replace("{item}", item.ToString(System.Globalization.CultureInfo.InvariantCulture)), contentType);

        await AssertProblemAsync(response, status, words);
        await AssertUntouchedAsync(item, buyer);
    }

    [Fact]
    public async Task Too_many_lines_are_refused()
    {
        var item = await Checkout.NewItemAsync(stock: 3);
        var lines = Enumerable.Range(0, 21).Select(i => (i == 0 ? item : 700_000 + i, 1)).ToArray();

        using var response = await Checkout.CheckoutAsync("many-lines", "k", lines);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "at most 20 lines");
        await AssertUntouchedAsync(item, "many-lines");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var item = await Checkout.NewItemAsync(stock: 3);
        var padded = $$"""{"items":[{"itemId":{{item}},"quantity":1}],"pad":"{{new string('x', 5000)}}"}""";

        using var response = await Checkout.CheckoutAsync(fixture.Shop.Token("big-body"), "k", padded);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "at most 4096 bytes");
        await AssertUntouchedAsync(item, "big-body");
    }

    [Fact]
    public async Task No_token_is_401_and_changes_nothing()
    {
        var item = await Checkout.NewItemAsync(stock: 3);

        using var response = await Checkout.CheckoutAsync(token: null, "k", CheckoutClient.Body((item, 1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(3, await Checkout.GateAsync(item, "stock"));
    }

    [Fact]
    public async Task The_openapi_document_describes_checkout_and_item_stock()
    {
        var document = await fixture.Shop.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/orders").TryGetProperty("post", out var checkout));
        Assert.True(checkout.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(paths.TryGetProperty("/api/stock/items", out _));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string words)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        Assert.Contains(words, detail, StringComparison.OrdinalIgnoreCase);
    }

    private async Task AssertUntouchedAsync(int item, string buyer)
    {
        Assert.Equal(3, await Checkout.GateAsync(item, "stock"));
        Assert.Equal(0, await Checkout.GateAsync(item, "pending"));
        Assert.Equal(0, await fixture.Shop.ScalarAsync("SELECT count(*) FROM orders WHERE buyer_id = @b", ("b", buyer)));
        Assert.False(await (await fixture.Shop.RedisAsync()).KeyExistsAsync($"buyer:{buyer}:pending"));
    }
}
