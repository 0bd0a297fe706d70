using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Problems;

namespace Shop.ServiceDefaults.Tests;

/// <summary>The Idempotency-Key rule as an endpoint filter, on a real Kestrel server: a bad key never reaches the handler.</summary>
public sealed class IdempotencyKeyFilterTests
{
    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("has space", "must be one value of 1 to 64")]
    [InlineData("a-key-of-sixty-five-characters-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "must be one value of 1 to 64")]
    public async Task A_missing_or_malformed_key_is_400_problem_json_and_the_handler_never_runs(string? key, string reason)
    {
        var handled = 0;
        var refused = 0;
        await using var server = await StartAsync(() => handled++, () => refused++);
        using var client = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decide");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeys.Header, key);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.InvalidRequest, problem.GetProperty("type").GetString());
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, handled);
        Assert.Equal(1, refused);
    }

    [Fact]
    public async Task A_valid_key_reaches_the_handler_which_reads_it()
    {
        var handled = 0;
        var refused = 0;
        await using var server = await StartAsync(() => handled++, () => refused++);
        using var client = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/decide");
        request.Headers.Add(IdempotencyKeys.Header, "0193b2c4-1111:attempt_1.a");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0193b2c4-1111:attempt_1.a", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, handled);
        Assert.Equal(0, refused);
    }

    private static Task<TestServer> StartAsync(Action onHandled, Action onRefused) => TestServer.StartAsync(
        app => app.MapPost("/decide", (HttpContext http) =>
        {
            onHandled();
            return IdempotencyKeys.Of(http);
        }).RequireIdempotencyKey("purchase", _ => onRefused()),
        builder => builder.Services.AddProblemDetails());
}
