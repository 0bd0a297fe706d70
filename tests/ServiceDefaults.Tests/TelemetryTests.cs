using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Shop.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Server_spans_are_named_by_route_and_health_probes_are_not_recorded()
    {
        var testSource = "Shop.Tests." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(testSource);
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Microsoft.AspNetCore" or "System.Net.Http" || s.Name == testSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);

        await using var server = await TestServer.StartAsync(
            app =>
            {
                app.MapGet("/hello/{name}", (string name) => Results.Text("hello " + name));
                app.MapDefaultEndpoints();
            },
            builder => builder.AddServiceDefaults());

        ActivityTraceId traceId;
        using (var parent = source.StartActivity("test"))
        {
            Assert.NotNull(parent);
            traceId = parent.TraceId;
            using var client = new HttpClient { BaseAddress = server.Url };
            Assert.Equal("hello world", await client.GetStringAsync(new Uri("/hello/world", UriKind.Relative)));
            await client.GetStringAsync(new Uri("/health", UriKind.Relative));
        }

        // The server stops its activity after the response is sent: wait for both.
        List<Activity> serverSpans = [];
        for (var i = 0; i < 100 && serverSpans.Count < 2; i++)
        {
            await Task.Delay(20);
            serverSpans = stopped.Where(a => a.Source.Name == "Microsoft.AspNetCore" && a.TraceId == traceId).ToList();
        }

        Assert.Equal(2, serverSpans.Count);
        var hello = Assert.Single(serverSpans, a => a.Recorded);
        Assert.Equal("GET /hello/{name}", hello.DisplayName);
        Assert.Equal("/hello/{name}", hello.GetTagItem("http.route"));
        Assert.Equal("/hello/world", hello.GetTagItem("url.path"));
        Assert.Equal("GET", hello.GetTagItem("http.request.method"));
        Assert.Equal(200, hello.GetTagItem("http.response.status_code"));

        var probe = Assert.Single(serverSpans, a => !a.Recorded);
        Assert.Null(probe.GetTagItem("url.path"));
    }

    [Fact]
    public void Resource_uses_OTEL_SERVICE_NAME_and_OTEL_RESOURCE_ATTRIBUTES()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>
        {
            ["OTEL_SERVICE_NAME"] = "catalog-api",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "service.instance.id=replica-7,deployment.environment=test",
        });

        var attributes = host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("catalog-api", attributes["service.name"]);
        Assert.Equal("replica-7", attributes["service.instance.id"]);
        Assert.Equal("test", attributes["deployment.environment"]);
    }

    [Fact]
    public void Resource_falls_back_to_the_application_name()
    {
        using var host = TestHost.Build(new Dictionary<string, string?>());

        var attributes = host.Services.GetRequiredService<TracerProvider>().GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);

        Assert.Equal("ServiceDefaults.Tests", attributes["service.name"]);
        Assert.True(attributes.ContainsKey("service.instance.id"));
    }

    [Fact]
    public void The_services_own_sources_are_listened_to()
    {
        var own = "Shop.Tests.Own." + Guid.NewGuid().ToString("N");
        var other = "Shop.Tests.Other." + Guid.NewGuid().ToString("N");
        using var ownSource = new ActivitySource(own);
        using var otherSource = new ActivitySource(other);

        using var host = TestHost.Build(new Dictionary<string, string?>(), builder => builder.AddShopTelemetrySource(own));
        _ = host.Services.GetRequiredService<TracerProvider>();

        Assert.True(ownSource.HasListeners());
        Assert.False(otherSource.HasListeners());
    }
}
