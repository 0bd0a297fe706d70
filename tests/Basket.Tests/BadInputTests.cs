using System.Net;

namespace Shop.Basket.Tests;

/// <summary>Every bad basket request gets its 4xx problem+json with a reason, and changes nothing.</summary>
[Collection(BasketCollection.Name)]
public sealed class BadInputTests(BasketAppFixture fixture)
{
    public static TheoryData<string, string, string, string?, string, HttpStatusCode, string> Cases => new()
    {
        // case,               method,   path,                     body,                    content type,        status,                           detail contains
        { "quantity 0",        "PUT",    "/api/basket/items/1",    "{\"quantity\":0}",      "application/json",  HttpStatusCode.BadRequest,        "1 to 10" },
        { "quantity negative", "PUT",    "/api/basket/items/1",    "{\"quantity\":-3}",     "application/json",  HttpStatusCode.BadRequest,        "1 to 10" },
        { "quantity too large", "PUT",   "/api/basket/items/1",    "{\"quantity\":11}",     "application/json",  HttpStatusCode.BadRequest,        "1 to 10" },
        { "quantity huge",     "PUT",    "/api/basket/items/1",    "{\"quantity\":99999999999}", "application/json", HttpStatusCode.BadRequest,   "not valid JSON" },
        { "quantity a string", "PUT",    "/api/basket/items/1",    "{\"quantity\":\"two\"}", "application/json", HttpStatusCode.BadRequest,        "not valid JSON" },
        { "malformed JSON",    "PUT",    "/api/basket/items/1",    "{\"quantity\":",        "application/json",  HttpStatusCode.BadRequest,        "not valid JSON" },
        { "no body",           "PUT",    "/api/basket/items/1",    null,                    "application/json",  HttpStatusCode.BadRequest,        "body" },
        { "plain text",        "PUT",    "/api/basket/items/1",    "{\"quantity\":1}",      "text/plain",        HttpStatusCode.UnsupportedMediaType, "content type" },
        { "too large",         "PUT",    "/api/basket/items/1",    "{\"quantity\":1,\"x\":\"" + new string('x', 5000) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge, "too large" },
        { "unknown item",      "PUT",    "/api/basket/items/999999", "{\"quantity\":1}",    "application/json",  HttpStatusCode.NotFound,          "no item 999999" },
        { "not in the basket", "DELETE", "/api/basket/items/7",    null,                    "application/json",  HttpStatusCode.NotFound,          "not in your basket" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_request_is_refused_and_changes_nothing(string name, string method, string path, string? body, string contentType, HttpStatusCode status, string detail)
    {
        var buyer = $"careful-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await fixture.SetAsync(buyer, 1, 2)).StatusCode);
        var before = (await fixture.GetBasketAsync(buyer)).ToString();

        using var response = await fixture.SendAsync(new HttpMethod(method), path, fixture.Token(buyer), body, contentType);

        Assert.True(status == response.StatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await Problems.AssertAsync(response, null, detail);
        Assert.Equal(before, (await fixture.GetBasketAsync(buyer)).ToString());
    }

    [Theory]
    [InlineData("GET", "/api/basket")]
    [InlineData("PUT", "/api/basket/items/1")]
    [InlineData("DELETE", "/api/basket/items/1")]
    [InlineData("DELETE", "/api/basket")]
    public async Task Without_a_valid_token_it_is_401(string method, string path)
    {
        using var none = await fixture.SendAsync(new HttpMethod(method), path, null, method == "PUT" ? "{\"quantity\":1}" : null);
        using var junk = await fixture.SendAsync(new HttpMethod(method), path, "not-a-token", method == "PUT" ? "{\"quantity\":1}" : null);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, junk.StatusCode);
        await Problems.AssertAsync(junk, null, "");
    }
}
