using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Shop.ServiceDefaults.Tests;

public sealed class ResilienceTests
{
    /// <summary>A server whose n-th request (1-based) is answered by <paramref name="respond"/>; it records request bodies.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private int _count;

        private ScriptedServer()
        {
        }

        public TestServer Server { get; private set; } = null!;

        public int Count => Volatile.Read(ref _count);

        public List<string> Bodies { get; } = [];

        public static async Task<ScriptedServer> StartAsync(Func<int, HttpContext, Task<IResult>> respond)
        {
            var scripted = new ScriptedServer();
            scripted.Server = await TestServer.StartAsync(app => app.Map("/{**rest}", async (HttpContext context) =>
            {
                var n = Interlocked.Increment(ref scripted._count);
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                lock (scripted.Bodies)
                {
                    scripted.Bodies.Add(body);
                }

                return await respond(n, context);
            }));
            return scripted;
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static (IHost Host, HttpClient Client) CreateClient(Dictionary<string, string?>? overrides = null)
    {
        var config = TestHost.FastResilience();
        foreach (var (key, value) in overrides ?? [])
        {
            config[key] = value;
        }

        var host = TestHost.Build(config);
        return (host, host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("resilience-test"));
    }

    private static Task<IResult> Status(int code) => Task.FromResult(Results.StatusCode(code));

    [Fact]
    public async Task A_transient_503_is_retried_until_success()
    {
        await using var server = await ScriptedServer.StartAsync((n, _) => n <= 2 ? Status(503) : Task.FromResult(Results.Text("ok")));
        var (host, client) = CreateClient();
        using var _ = host;
        using var __ = client;

        using var response = await client.GetAsync(server.Server.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task Retries_stop_after_the_configured_number_of_attempts()
    {
        await using var server = await ScriptedServer.StartAsync((_, _) => Status(500));
        var (host, client) = CreateClient(new() { ["HttpClientDefaults:Resilience:Retry:MaxRetryAttempts"] = "2" });
        using var _ = host;
        using var __ = client;

        using var response = await client.GetAsync(server.Server.Url);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        await using var server = await ScriptedServer.StartAsync((_, _) => Status(400));
        var (host, client) = CreateClient();
        using var _ = host;
        using var __ = client;

        using var response = await client.GetAsync(server.Server.Url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task A_post_without_idempotency_key_is_not_retried()
    {
        await using var server = await ScriptedServer.StartAsync((_, _) => Status(503));
        var (host, client) = CreateClient();
        using var _ = host;
        using var __ = client;

        using var response = await client.PostAsync(server.Server.Url, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task A_post_with_idempotency_key_is_retried_and_its_streamed_body_replayed()
    {
        await using var server = await ScriptedServer.StartAsync((n, _) => n == 1 ? Status(503) : Task.FromResult(Results.Text("created")));
        var (host, client) = CreateClient();
        using var _ = host;
        using var __ = client;

        // A forward-only stream: without buffering, the second attempt would send an empty body or throw.
        using var request = new HttpRequestMessage(HttpMethod.Post, server.Server.Url)
        {
            Content = new StreamContent(new ForwardOnlyStream(Encoding.UTF8.GetBytes("{\"quantity\":1}"))),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, server.Count);
        Assert.Equal(["{\"quantity\":1}", "{\"quantity\":1}"], server.Bodies);
    }

    [Fact]
    public async Task A_request_can_opt_out_of_retries()
    {
        await using var server = await ScriptedServer.StartAsync((_, _) => Status(503));
        var (host, client) = CreateClient();
        using var _ = host;
        using var __ = client;

        using var request = new HttpRequestMessage(HttpMethod.Get, server.Server.Url);
        request.Options.Set(Resilience.HttpResilienceRequestOptions.DisableRetry, true);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, server.Count);
    }

    [Fact]
    public async Task A_hung_attempt_times_out_and_is_retried()
    {
        await using var server = await ScriptedServer.StartAsync(async (n, context) =>
        {
            if (n == 1)
            {
                // The client gives up first; the cancelled delay is expected, not an error.
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            return Results.Text("late but fine");
        });
        var (host, client) = CreateClient(new()
        {
            ["HttpClientDefaults:Resilience:AttemptTimeout"] = "00:00:00.300",
            ["HttpClientDefaults:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:01",
        });
        using var _ = host;
        using var __ = client;

        var started = DateTime.UtcNow;
        using var response = await client.GetAsync(server.Server.Url);

        // Not waiting out the hung first attempt is the point; on a loaded machine a second attempt can be slow
        // enough to time out too, so the count is a range.
        Assert.Equal("late but fine", await response.Content.ReadAsStringAsync());
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(4), "the hung attempt should have been abandoned");
        Assert.InRange(server.Count, 2, 4);
    }

    [Fact]
    public async Task The_total_timeout_bounds_the_whole_request()
    {
        await using var server = await ScriptedServer.StartAsync(async (_, context) =>
        {
            // The client gives up first; the cancelled delay is expected, not an error.
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return Results.Text("too late");
        });
        var (host, client) = CreateClient(new()
        {
            ["HttpClientDefaults:Resilience:TotalRequestTimeout"] = "00:00:00.500",
            ["HttpClientDefaults:Resilience:AttemptTimeout"] = "00:00:00.200",
            ["HttpClientDefaults:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:01",
        });
        using var _ = host;
        using var __ = client;

        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync(server.Server.Url));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_stops_calling_the_server()
    {
        await using var server = await ScriptedServer.StartAsync((_, _) => Status(500));
        var (host, client) = CreateClient(new()
        {
            ["HttpClientDefaults:Resilience:Retry:MaxRetryAttempts"] = "0",
            ["HttpClientDefaults:Resilience:AttemptTimeout"] = "00:00:00.200",
            ["HttpClientDefaults:Resilience:CircuitBreaker:MinimumThroughput"] = "2",
            ["HttpClientDefaults:Resilience:CircuitBreaker:FailureRatio"] = "0.5",
            ["HttpClientDefaults:Resilience:CircuitBreaker:SamplingDuration"] = "00:00:10",
            ["HttpClientDefaults:Resilience:CircuitBreaker:BreakDuration"] = "00:00:30",
        });
        using var _ = host;
        using var __ = client;

        for (var i = 0; i < 2; i++)
        {
            using var failed = await client.GetAsync(server.Server.Url);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(server.Server.Url));
        Assert.Equal(2, server.Count);

        // The breaker belongs to the client name, not to a handler instance: a new HttpClient shares it.
        using var another = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("resilience-test");
        await Assert.ThrowsAsync<BrokenCircuitException>(() => another.GetAsync(server.Server.Url));
        Assert.Equal(2, server.Count);
    }

    [Fact]
    public async Task Retry_after_is_honoured_for_429()
    {
        await using var server = await ScriptedServer.StartAsync((n, context) =>
        {
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return Status(429);
            }

            return Task.FromResult(Results.Text("ok"));
        });
        var (host, client) = CreateClient(new() { ["HttpClientDefaults:Resilience:Retry:MaxDelay"] = "00:00:05" });
        using var _ = host;
        using var __ = client;

        var started = DateTime.UtcNow;
        using var response = await client.GetAsync(server.Server.Url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(900), "the 1 s Retry-After should have been waited for");
    }

    [Fact]
    public void Inconsistent_settings_are_rejected_with_the_configuration_key()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["HttpClientDefaults:Resilience:TotalRequestTimeout"] = "00:00:01",
            ["HttpClientDefaults:Resilience:AttemptTimeout"] = "00:00:05",
        });

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("bad"));
        Assert.Contains("HttpClientDefaults:Resilience:AttemptTimeout", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A stream that can be read once, front to back, like a network or request body stream.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
