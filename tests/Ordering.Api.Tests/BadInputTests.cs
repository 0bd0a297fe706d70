using System.Net;
using System.Text.Json;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Api.Tests;

/// <summary>Every bad buy request gets its status and a problem+json reason, and changes nothing.</summary>
[Collection(PipelineCollection.Name)]
public sealed class BadInputTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    public static TheoryData<string, string?, string?, string?, HttpStatusCode, string> Cases => new()
    {
        // case,                 token,   key,        body,                    status,                        detail contains
        { "no token",            null,    "k-1",      "{\"quantity\":1}",      HttpStatusCode.Unauthorized,   "Authorization: Bearer" },
        { "bad token",           "junk",  "k-1",      "{\"quantity\":1}",      HttpStatusCode.Unauthorized,   "invalid or expired" },
        { "no key",              "ok",    null,       "{\"quantity\":1}",      HttpStatusCode.BadRequest,     "Idempotency-Key header is required" },
        { "key too long",        "ok",    new string('k', 65), "{\"quantity\":1}", HttpStatusCode.BadRequest, "1 to 64" },
        { "key with a bar",      "ok",    "a|b",      "{\"quantity\":1}",      HttpStatusCode.BadRequest,     "1 to 64" },
        { "quantity 0",          "ok",    "k-2",      "{\"quantity\":0}",      HttpStatusCode.BadRequest,     "at least 1" },
        { "negative quantity",   "ok",    "k-3",      "{\"quantity\":-2}",     HttpStatusCode.BadRequest,     "at least 1" },
        { "above the limit",     "ok",    "k-4",      "{\"quantity\":3}",      HttpStatusCode.Conflict,       "at most 2" },
        { "quantity not a number", "ok",  "k-5",      "{\"quantity\":\"two\"}", HttpStatusCode.BadRequest,    "JSON like" },
        { "malformed JSON",      "ok",    "k-6",      "{\"quantity\":",        HttpStatusCode.BadRequest,     "JSON like" },
        { "empty body",          "ok",    "k-7",      "",                      HttpStatusCode.BadRequest,     "JSON like" },
        { "no body",             "ok",    "k-8",      null,                    HttpStatusCode.UnsupportedMediaType, "JSON like" },
        { "quantity too large",  "ok",    "k-9",      "{\"quantity\":99999999999}", HttpStatusCode.BadRequest, "JSON like" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_buy_request_is_refused_and_changes_nothing(string name, string? token, string? key, string? body, HttpStatusCode status, string detail)
    {
        var saleId = await Shop.ArmSaleAsync(quantity: 10, perBuyerLimit: 2);
        var before = await GateStateAsync(saleId);

        using var response = await Shop.BuyAsync(saleId, token == "ok" ? Shop.Token("careful-buyer") : token, key, body);

        Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode}");
        await AssertProblemAsync(response, detail);
        Assert.Equal(before, await GateStateAsync(saleId));
    }

    public static TheoryData<string, string?, string, HttpStatusCode, string> BodyCases => new()
    {
        // case,                  content type,                    body,                               status,                                   detail contains
        { "plain text",           "text/plain",                    "{\"quantity\":1}",                 HttpStatusCode.UnsupportedMediaType,      "application/json" },
        { "a form",               "application/x-www-form-urlencoded", "quantity=1",                   HttpStatusCode.UnsupportedMediaType,      "application/json" },
        { "no content type",      null,                            "{\"quantity\":1}",                 HttpStatusCode.UnsupportedMediaType,      "application/json" },
        { "too large",            "application/json",              "{\"quantity\":1,\"pad\":\"" + new string('x', 2048) + "\"}", HttpStatusCode.RequestEntityTooLarge, "at most 1024 bytes" },
    };

    [Theory]
    [MemberData(nameof(BodyCases))]
    public async Task Only_a_small_JSON_body_is_read(string name, string? contentType, string body, HttpStatusCode status, string detail)
    {
        var saleId = await Shop.ArmSaleAsync(quantity: 10, perBuyerLimit: 2);
        var before = await GateStateAsync(saleId);

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders") { Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        }
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Shop.Token("careful-buyer"));
        request.Headers.Add("Idempotency-Key", $"body-{name.Replace(' ', '-')}");
        using var response = await Shop.Http.SendAsync(request);

        Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode}");
        await AssertProblemAsync(response, detail);
        Assert.Equal(before, await GateStateAsync(saleId));
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_is_413()
    {
        var saleId = await Shop.ArmSaleAsync(quantity: 10, perBuyerLimit: 2);
        var before = await GateStateAsync(saleId);
        // No Content-Length: the limit must hold while the body is read.
        var padded = "{\"pad\":\"" + new string('x', 4096) + "\",\"quantity\":1}";
        using var content = new PushStreamContent(padded);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flash-sales/{saleId}/orders") { Content = content };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Shop.Token("careful-buyer"));
        request.Headers.Add("Idempotency-Key", "chunked-1");
        using var response = await Shop.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertProblemAsync(response, "at most 1024 bytes");
        Assert.Equal(before, await GateStateAsync(saleId));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_buy_path_and_orders()
    {
        using var response = await Shop.Http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Shop Ordering API", document.GetProperty("info").GetProperty("title").GetString());
        var paths = document.GetProperty("paths");
        foreach (var path in (string[])["/api/flash-sales/{saleId}/orders", "/api/orders", "/api/orders/{orderId}", "/api/orders/{orderId}/pay",
            "/api/orders/{orderId}/cancel", "/api/flash-sales/{saleId}/stock", "/api/admin/flash-sales/{saleId}/reconciliation"])
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
        var buy = paths.GetProperty("/api/flash-sales/{saleId}/orders").GetProperty("post");
        Assert.Equal("Buy", buy.GetProperty("operationId").GetString());
        Assert.True(buy.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        foreach (var status in (string[])["202", "409", "413", "415", "429"])
        {
            Assert.True(buy.GetProperty("responses").TryGetProperty(status, out _), $"the buy operation does not document {status}");
        }
        Assert.True(buy.TryGetProperty("security", out _));
    }

    /// <summary>A body sent as a stream of unknown length (Transfer-Encoding: chunked).</summary>
    private sealed class PushStreamContent(string body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task An_unknown_sale_is_404()
    {
        using var response = await Shop.BuyAsync(Guid.NewGuid(), "someone", "k-1");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertProblemAsync(response, "no flash sale", "urn:shop:problem:sale-not-found");
    }

    [Fact]
    public async Task Outside_the_window_is_refused_with_a_distinct_type()
    {
        var upcoming = await Shop.ArmSaleAsync(10, 2, startsAt: DateTimeOffset.UtcNow.AddHours(1), endsAt: DateTimeOffset.UtcNow.AddHours(2));
        var over = await Shop.ArmSaleAsync(10, 2, startsAt: DateTimeOffset.UtcNow.AddHours(-2), endsAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        var beforeUpcoming = await GateStateAsync(upcoming);
        var beforeOver = await GateStateAsync(over);

        using var early = await Shop.BuyAsync(upcoming, "early-bird", "k-1");
        using var late = await Shop.BuyAsync(over, "late-comer", "k-1");

        Assert.Equal(HttpStatusCode.Forbidden, early.StatusCode);
        await AssertProblemAsync(early, "starts at", "urn:shop:problem:sale-not-started");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        await AssertProblemAsync(late, "ended", "urn:shop:problem:sale-ended");
        Assert.Equal(beforeUpcoming, await GateStateAsync(upcoming));
        Assert.Equal(beforeOver, await GateStateAsync(over));
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_quantity_is_422_and_takes_nothing_more()
    {
        var saleId = await Shop.ArmSaleAsync(10, 3);
        using var first = await Shop.BuyAsync(saleId, "re-user", "same-key", 1);
        // Let the first order settle (durable, confirmed in the gate) so that only the second request could move anything.
        await Eventually.TrueAsync(async () => await GateStateAsync(saleId) == "stock=9 pending=0 buyers=1 answers=1 orders=1",
            "the first order durable", TimeSpan.FromSeconds(30));
        var after = await GateStateAsync(saleId);

        using var second = await Shop.BuyAsync(saleId, "re-user", "same-key", 2);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        await AssertProblemAsync(second, "different request", "urn:shop:problem:idempotency-key-reused");
        Assert.Equal(after, await GateStateAsync(saleId));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string detail, string? type = null)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        if (type is not null)
        {
            Assert.Equal(type, problem.GetProperty("type").GetString());
        }
    }

    /// <summary>Everything a buy could change in the gate: stock, pending, holdings, answers, the stream.</summary>
    private async Task<string> GateStateAsync(Guid saleId)
    {
        var redis = await Shop.RedisAsync();
        var meta = await redis.HashGetAsync(GateKeys.Stock(saleId), ["stock", "pending"]);
        var buyers = await redis.HashLengthAsync(GateKeys.Buyers(saleId));
        var answers = await redis.HashLengthAsync(GateKeys.Answers(saleId));
        var orders = await Shop.ScalarAsync("SELECT count(*) FROM orders WHERE stock_id = @s", ("s", saleId));
        return $"stock={meta[0]} pending={meta[1]} buyers={buyers} answers={answers} orders={orders}";
    }
}
