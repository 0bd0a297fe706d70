using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Shop.ServiceDefaults.Tests;

public sealed class TelemetryTests
{
    /// <summary>Keeps what the tracer provider would hand to an exporter: ended, recorded activities.</summary>
    private sealed class RecordingProcessor : BaseProcessor<Activity>
    {
        public ConcurrentQueue<Activity> Ended { get; } = new();

        public override void OnEnd(Activity data)
        {
            if (data.Recorded)
            {
                Ended.Enqueue(data);
            }
        }
    }

    [Fact]
    public async Task Server_spans_are_named_by_route_and_health_probes_are_not_recorded()
    {
        var processor = new RecordingProcessor();
        await using var server = await TestServer.StartAsync(
            app =>
            {
                app.MapGet("/hello/{name}", (string name) => Results.Text("hello " + name));
                app.MapDefaultEndpoints();
            },
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(processor));
            });

        using var client = new HttpClient { BaseAddress = server.Url };
        await client.GetStringAsync(new Uri("/health", UriKind.Relative));
        await client.GetStringAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal("hello world", await client.GetStringAsync(new Uri("/hello/world", UriKind.Relative)));

        // Activity listeners are process-wide: only this server's spans count (other tests run servers too).
        List<Activity> ServerSpans() => processor.Ended.Where(a => a.Kind == ActivityKind.Server && Equals(a.GetTagItem("server.port"), server.Url.Port)).ToList();

        // The server ends its activity after the response is sent: wait for the last request's span.
        for (var i = 0; i < 100 && !ServerSpans().Any(a => a.DisplayName.Contains("hello", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(20);
        }

        var serverSpans = ServerSpans();
        var hello = Assert.Single(serverSpans);
        Assert.Equal("GET /hello/{name}", hello.DisplayName);
        Assert.Equal("/hello/{name}", hello.GetTagItem("http.route"));
        Assert.Equal("/hello/world", hello.GetTagItem("url.path"));
        Assert.Equal(200, hello.GetTagItem("http.response.status_code"));
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

    /// <summary>Collects the meters of the metrics it is asked to export.</summary>
    private sealed class MeterNameExporter : BaseExporter<Metric>
    {
        public ConcurrentBag<string> Meters { get; } = [];

        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                Meters.Add(metric.MeterName);
            }
            return ExportResult.Success;
        }
    }

    [Fact]
    public void The_services_own_meters_and_activity_sources_are_listened_to()
    {
        var own = "Shop.Tests.Own." + Guid.NewGuid().ToString("N");
        var other = "Shop.Tests.Other." + Guid.NewGuid().ToString("N");
        using var ownSource = new ActivitySource(own);
        using var otherSource = new ActivitySource(other);
        using var ownMeter = new Meter(own);
        using var otherMeter = new Meter(other);
        var exporter = new MeterNameExporter();

        using var host = TestHost.Build(new Dictionary<string, string?>(), builder =>
        {
            builder.AddShopTelemetrySource(own);
            builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReader(new BaseExportingMetricReader(exporter)));
        });
        _ = host.Services.GetRequiredService<TracerProvider>();
        var metrics = host.Services.GetRequiredService<MeterProvider>();
        ownMeter.CreateCounter<long>("shop.tests.count").Add(1);
        otherMeter.CreateCounter<long>("shop.tests.count").Add(1);
        // The result is false: the Prometheus exporter (a pull exporter) exports only while /metrics is scraped.
        // The reader above collects all the same.
        metrics.ForceFlush(5_000);

        Assert.True(ownSource.HasListeners());
        Assert.False(otherSource.HasListeners());
        Assert.Contains(own, exporter.Meters);
        Assert.DoesNotContain(other, exporter.Meters);
    }

    [Fact]
    public async Task Telemetry_is_exported_over_OTLP_when_an_endpoint_is_configured()
    {
        var received = new ConcurrentQueue<string>();
        await using var collector = await TestServer.StartAsync(app => app.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
            return Results.Ok();
        }));
        var source = "Shop.Tests.Otlp." + Guid.NewGuid().ToString("N");
        using var host = TestHost.Build(
            new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url.ToString(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            },
            builder => builder.AddShopTelemetrySource(source));
        var tracing = host.Services.GetRequiredService<TracerProvider>();

        using (var activitySource = new ActivitySource(source))
        using (activitySource.StartActivity("exported"))
        {
        }

        // A flush hands the batch to the exporter; under a loaded test run the request can still be on its way.
        tracing.ForceFlush(10_000);
        for (var i = 0; i < 100 && !received.Contains("traces"); i++)
        {
            await Task.Delay(100);
        }

        Assert.Contains("traces", received);
    }
}
