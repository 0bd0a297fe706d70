using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Api.Telemetry;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The admission filter of the decision endpoints on an in-process Kestrel (loopback, no other server): a refusal is a
/// 429 with Retry-After before the handler runs, and a decision's permit is held until the handler has answered.
/// </summary>
public sealed class AdmissionFilterTests
{
    [Fact]
    public async Task A_buyer_beyond_the_burst_is_refused_with_retry_after_and_the_handler_does_not_run()
    {
        var handled = 0;
        var counted = new ConcurrentQueue<string>();
        await using var app = await StartAsync(burst: 2, decisions: 16, counted, () =>
        {
            Interlocked.Increment(ref handled);
            return Task.CompletedTask;
        });
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(client, "alice")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await DecideAsync(client, "alice")).StatusCode);
        using var refused = await DecideAsync(client, "alice");
        using var other = await DecideAsync(client, "bob");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(ProblemTypes.Busy, problem.GetProperty("type").GetString());
        Assert.Contains("from your account", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode); // buckets are per buyer
        Assert.Equal(3, handled);
        Assert.Equal(["shed"], counted);
    }

    [Fact]
    public async Task A_decision_holds_its_permit_until_the_handler_answers()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counted = new ConcurrentQueue<string>();
        await using var app = await StartAsync(burst: 5, decisions: 1, counted, async () =>
        {
            started.TrySetResult();
            await release.Task;
        });
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        var first = DecideAsync(client, "alice");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using (var busy = await DecideAsync(client, "bob"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
            Assert.Contains("very busy", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        release.SetResult();
        using (var answered = await first)
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
        // The permit came back with the first answer.
        using var next = await DecideAsync(client, "carol");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(["shed"], counted);
    }

    private static Task<HttpResponseMessage> DecideAsync(HttpClient client, string buyer)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/decide");
        request.Headers.Add("X-Test-Buyer", buyer);
        return client.SendAsync(request);
    }

    private static async Task<WebApplication> StartAsync(int burst, int decisions, ConcurrentQueue<string> counted, Func<Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<OrderingApiMetrics>();
        // A clock that does not move: no bucket refills between the test's requests, however slow the machine (with the
        // real clock, a busy CI run took over a second for three requests and the third one found a token again).
        builder.Services.AddSingleton<TimeProvider>(new StoppedClock());
        builder.Services.AddSingleton<OrderAdmission>();
        builder.Services.AddOptions<AdmissionOptions>().Configure(o =>
        {
            o.BuyerBurst = burst;
            o.BuyerRequestsPerSecond = 1;
            o.MaxConcurrentDecisions = decisions;
        });
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        // Stands in for the bearer token: the filter reads the buyer as every decision endpoint does (UserId()).
        app.Use((http, next) =>
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ShopClaimTypes.UserId, http.Request.Headers["X-Test-Buyer"].ToString())], "test"));
            return next(http);
        });
        app.MapPost("/decide", async () =>
        {
            await handler();
            return TypedResults.Ok();
        }).RequireAdmission((_, outcome) => counted.Enqueue(outcome));
        await app.StartAsync();
        return app;
    }
}

/// <summary>The system clock's timers, with a time that stands still.</summary>
internal sealed class StoppedClock : TimeProvider
{
    private readonly long _timestamp = System.GetTimestamp();
    private readonly DateTimeOffset _now = System.GetUtcNow();

    public override long GetTimestamp() => _timestamp;

    public override DateTimeOffset GetUtcNow() => _now;
}
