using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Shop.ServiceDefaults.Http;

namespace Shop.ServiceDefaults.Tests;

/// <summary>
/// What AddServiceDefaults gives every HttpClient of IHttpClientFactory: logical service names resolved from
/// configuration, and the standard resilience handler, which retries only requests that are safe to repeat.
/// </summary>
public sealed class HttpClientDefaultsTests
{
    /// <summary>A server whose /flaky answers 503 (with Retry-After: 0, so retries do not wait) until told otherwise.</summary>
    private sealed class Flaky
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public int FailuresBeforeSuccess { get; init; } = int.MaxValue;

        public IResult Answer(HttpContext context)
        {
            if (Interlocked.Increment(ref _attempts) > FailuresBeforeSuccess)
            {
                return Results.Text("ok");
            }
            context.Response.Headers.RetryAfter = "0";
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static Task<TestServer> StartAsync(Flaky flaky) =>
        TestServer.StartAsync(app =>
        {
            app.MapGet("/hello", () => "hello");
            app.MapMethods("/flaky", ["GET", "POST"], flaky.Answer);
        });

    /// <summary>A client built by the factory of a host with the defaults, where "api" is the server.</summary>
    private static HttpClient Client(TestServer server, out IDisposable host, Action<IServiceCollection>? configure = null)
    {
        var built = TestHost.Build(
            new Dictionary<string, string?> { ["services:api:http:0"] = server.Url.ToString() },
            builder =>
            {
                builder.Services.AddHttpClient("api", client => client.BaseAddress = new Uri("http://api"));
                configure?.Invoke(builder.Services);
            });
        host = built;
        return built.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
    }

    [Fact]
    public async Task A_logical_service_name_is_resolved_from_configuration()
    {
        await using var server = await StartAsync(new Flaky());
        using var client = Client(server, out var host);
        using var _ = host;

        Assert.Equal("hello", await client.GetStringAsync(new Uri("/hello", UriKind.Relative)));
    }

    [Fact]
    public async Task A_GET_is_retried_after_a_transient_failure()
    {
        var flaky = new Flaky { FailuresBeforeSuccess = 1 };
        await using var server = await StartAsync(flaky);
        using var client = Client(server, out var host);
        using var _ = host;

        using var response = await client.GetAsync(new Uri("/flaky", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, flaky.Attempts);
    }

    [Fact]
    public async Task A_POST_without_an_idempotency_key_is_sent_once()
    {
        var flaky = new Flaky { FailuresBeforeSuccess = 1 };
        await using var server = await StartAsync(flaky);
        using var client = Client(server, out var host);
        using var _ = host;

        using var response = await client.PostAsync(new Uri("/flaky", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, flaky.Attempts);
    }

    [Fact]
    public async Task A_POST_with_an_idempotency_key_is_retried_with_its_body()
    {
        var flaky = new Flaky { FailuresBeforeSuccess = 1 };
        await using var server = await StartAsync(flaky);
        using var client = Client(server, out var host);
        using var _ = host;

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/flaky", UriKind.Relative)) { Content = new StringContent("{}") };
        request.Headers.Add(RepeatableRequests.IdempotencyKeyHeader, Guid.NewGuid().ToString());
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, flaky.Attempts);
    }

    [Fact]
    public async Task A_client_can_replace_the_default_handler_with_a_pipeline_without_retries()
    {
        var flaky = new Flaky { FailuresBeforeSuccess = 1 };
        await using var server = await StartAsync(flaky);
        // The way Web.Blazor's buy client opts out of the defaults.
        using var client = Client(server, out var host, services =>
        {
            var api = services.AddHttpClient("api");
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental
            api.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
            api.AddResilienceHandler("no-retry", pipeline => pipeline
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions())
                .AddTimeout(TimeSpan.FromSeconds(3)));
        });
        using var _ = host;

        using var response = await client.GetAsync(new Uri("/flaky", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, flaky.Attempts);
    }
}
