using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shop.Hosting.ApplicationModel;
using Shop.Hosting.Dashboard;
using Shop.Hosting.Orchestration;
using Xunit;

namespace Shop.Hosting.Tests;

/// <summary>
/// The dashboard on a free port, over an app model and resource states built in memory: no server or project
/// runs, so these tests take milliseconds.
/// </summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Secret = "s3cret-Pa55word-never-shown";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly ResourceStore _store = new();
    private readonly DashboardEndpoint _endpoint = new();
    private readonly List<StubRunner> _runners = [];
    private readonly RedisResource _cache;
    private readonly ProjectResource _api;
    private readonly DistributedApplicationModel _model;
    private DashboardServer? _server;
    private HttpClient _http = new();

    public DashboardTests()
    {
        var password = new ParameterResource("cache-password", secret: true, generated: true);
        _cache = new RedisResource("cache", password);
        _cache.Annotations.Add(new EndpointAnnotation("tcp", "tcp")
        {
            Allocated = new AllocatedEndpoint("127.0.0.1", 6390, "tcp"),
            ReplicaPorts = [6390],
        });
        _api = new ProjectResource("catalog-api", new StubProject());
        _api.Annotations.Add(new EndpointAnnotation("http", "http")
        {
            Allocated = new AllocatedEndpoint("127.0.0.1", 5100, "http"),
            ReplicaPorts = [5101, 5102],
            IsExternal = true,
        });
        _api.Annotations.Add(new ReplicaAnnotation(2));
        _api.Annotations.Add(new WaitAnnotation(_cache));
        _api.Annotations.Add(new ResourceReferenceAnnotation(_cache));
        _model = new DistributedApplicationModel([password, _cache, _api], new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run),
            AppContext.BaseDirectory, Path.Combine(Path.GetTempPath(), "shop-dashboard-tests"));
    }

    public async Task InitializeAsync()
    {
        var context = new RunContext(new HostingOptions(), _model, NullLogger.Instance);
        foreach (var resource in _model.Resources)
        {
            var runner = new StubRunner(new ResourceState(resource, ResourceTypes.Of(resource)), context);
            _runners.Add(runner);
            _store.Add(runner);
        }
        _store.MarkStarted();

        var api = _store.Get("catalog-api");
        api.SetState(ResourceStateKind.Running);
        api.SetHealth(ResourceHealth.Healthy, "ready");
        api.SetReplicas([
            new ReplicaState(0, 4242, 5101, ResourceStateKind.Running, 0, null),
            new ReplicaState(1, 4343, 5102, ResourceStateKind.Running, 2, 137),
        ]);
        api.SetEnvironment([
            new EnvironmentEntry("ConnectionStrings__cache", $"127.0.0.1:6390,password={Secret}", IsSecret: true),
            new EnvironmentEntry("OTEL_SERVICE_NAME", "catalog-api", IsSecret: false),
        ]);

        await StartServerAsync(new HostingOptions { DashboardUrl = "http://localhost:0" });
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public void Publishes_its_loopback_url()
    {
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", _endpoint.Url);
    }

    [Fact]
    public async Task Lists_resources_in_model_order_with_their_state_endpoints_and_relations()
    {
        using var resources = JsonDocument.Parse(await _http.GetStringAsync("/api/resources"));

        var all = resources.RootElement.EnumerateArray().ToList();
        Assert.Equal(["cache-password", "cache", "catalog-api"], all.Select(r => r.GetProperty("name").GetString()));
        var api = all[2];
        Assert.Equal("Project", api.GetProperty("type").GetString());
        Assert.Equal("Running", api.GetProperty("state").GetString());
        Assert.Equal("Healthy", api.GetProperty("health").GetString());
        Assert.Equal("ready", api.GetProperty("healthDescription").GetString());
        Assert.Equal(JsonValueKind.Null, api.GetProperty("error").ValueKind);
        Assert.NotEqual(JsonValueKind.Null, api.GetProperty("startedAt").ValueKind);
        Assert.Equal(4242, api.GetProperty("pid").GetInt32());
        Assert.Equal(2, api.GetProperty("restarts").GetInt32());

        var replica = api.GetProperty("replicas")[1];
        Assert.Equal(1, replica.GetProperty("index").GetInt32());
        Assert.Equal(4343, replica.GetProperty("pid").GetInt32());
        Assert.Equal(5102, replica.GetProperty("port").GetInt32());
        Assert.Equal("Running", replica.GetProperty("state").GetString());
        Assert.Equal(137, replica.GetProperty("exitCode").GetInt32());

        var endpoint = Assert.Single(api.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("http", endpoint.GetProperty("name").GetString());
        Assert.Equal("http://127.0.0.1:5100", endpoint.GetProperty("url").GetString());
        Assert.True(endpoint.GetProperty("isExternal").GetBoolean());
        Assert.Equal(["http://127.0.0.1:5101", "http://127.0.0.1:5102"], endpoint.GetProperty("replicaUrls").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("tcp://127.0.0.1:6390", all[1].GetProperty("endpoints")[0].GetProperty("url").GetString());

        Assert.Equal(["cache"], api.GetProperty("waitsFor").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(["cache"], api.GetProperty("references").EnumerateArray().Select(n => n.GetString()));

        // A resource the orchestrator has not started yet still has a complete, empty-valued entry.
        Assert.Equal("NotStarted", all[1].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, all[1].GetProperty("pid").ValueKind);
        Assert.Empty(all[1].GetProperty("replicas").EnumerateArray());
    }

    [Fact]
    public async Task Masks_secret_environment_values_everywhere()
    {
        foreach (var path in new[] { "/api/resources", "/api/resources/catalog-api", "/api/resources/CATALOG-API" })
        {
            var body = await _http.GetStringAsync(path);
            Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        }

        using var api = JsonDocument.Parse(await _http.GetStringAsync("/api/resources/catalog-api"));
        var environment = api.RootElement.GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => (Value: e.GetProperty("value").GetString(), IsSecret: e.GetProperty("isSecret").GetBoolean()));
        Assert.Equal(("********", true), environment["ConnectionStrings__cache"]);
        Assert.Equal(("catalog-api", false), environment["OTEL_SERVICE_NAME"]);
    }

    [Theory]
    [InlineData("GET", "/api/resources/nope")]
    [InlineData("GET", "/api/resources/nope/logs")]
    [InlineData("GET", "/api/resources/nope/logs/stream")]
    [InlineData("POST", "/api/resources/nope/restart")]
    public async Task An_unknown_resource_is_a_404_problem(string method, string path)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains("nope", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", "text/html", "<title>Shop — dashboard</title>")]
    [InlineData("/index.html", "text/html", "dashboard.js")]
    [InlineData("/dashboard.js", "text/javascript", "new EventSource(")]
    [InlineData("/dashboard.css", "text/css", ".badge")]
    public async Task Serves_the_page_and_its_assets(string path, string mediaType, string expected)
    {
        using var response = await _http.GetAsync(path);

        response.EnsureSuccessStatusCode();
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Returns_the_log_lines_after_a_sequence_number()
    {
        var log = _store.Get("catalog-api").Log;
        log.Append(0, false, "one");
        log.Append(1, true, "two");
        log.Append(0, false, "three");

        using var lines = JsonDocument.Parse(await _http.GetStringAsync("/api/resources/catalog-api/logs?after=1"));

        var all = lines.RootElement.EnumerateArray().ToList();
        Assert.Equal(["two", "three"], all.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(2, all[0].GetProperty("sequence").GetInt64());
        Assert.Equal(1, all[0].GetProperty("replica").GetInt32());
        Assert.True(all[0].GetProperty("isError").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, all[0].GetProperty("timestamp").ValueKind);
    }

    [Fact]
    public async Task Streams_the_backlog_then_lines_written_after_connecting()
    {
        var log = _store.Get("catalog-api").Log;
        log.Append(0, false, "before connecting");
        using var cancel = new CancellationTokenSource(Timeout);

        using var response = await _http.GetAsync("/api/resources/catalog-api/logs/stream", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        var first = await NextEventAsync(reader, cancel.Token);
        Assert.Equal("before connecting", first.Data.GetProperty("text").GetString());
        Assert.EndsWith("-1", first.Id, StringComparison.Ordinal);

        log.Append(1, true, "after connecting");
        var second = await NextEventAsync(reader, cancel.Token);
        Assert.Equal("after connecting", second.Data.GetProperty("text").GetString());
        Assert.Equal(1, second.Data.GetProperty("replica").GetInt32());
        Assert.True(second.Data.GetProperty("isError").GetBoolean());
        Assert.EndsWith("-2", second.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reconnecting_stream_resumes_after_the_last_event_id()
    {
        var log = _store.Get("catalog-api").Log;
        log.Append(0, false, "seen");
        using var cancel = new CancellationTokenSource(Timeout);
        string lastEventId;
        using (var first = await OpenStreamAsync(lastEventId: null, cancel.Token))
        {
            lastEventId = (await NextEventAsync(first, cancel.Token)).Id!;
        }
        log.Append(0, false, "missed");

        using var resumed = await OpenStreamAsync(lastEventId, cancel.Token);

        Assert.Equal("missed", (await NextEventAsync(resumed, cancel.Token)).Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_stream_resumed_from_an_earlier_apphost_run_starts_from_the_beginning()
    {
        _store.Get("catalog-api").Log.Append(0, false, "first line of this run");
        using var cancel = new CancellationTokenSource(Timeout);

        using var resumed = await OpenStreamAsync("0ld0run0-5000", cancel.Token);

        Assert.Equal("first line of this run", (await NextEventAsync(resumed, cancel.Token)).Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Stopping_ends_open_log_streams()
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var response = await _http.GetAsync("/api/resources/catalog-api/logs/stream", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));

        var stop = _server!.StopAsync(cancel.Token);

        await stop.WaitAsync(TimeSpan.FromSeconds(4), cancel.Token);
        Assert.Null(await reader.ReadLineAsync(cancel.Token));
        Assert.Null(_endpoint.Url);
        _server = null;
    }

    [Fact]
    public async Task Restart_is_accepted_and_runs_in_the_background()
    {
        using var response = await _http.PostAsync("/api/resources/catalog-api/restart", content: null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var runner = _runners.Single(r => r.State.Resource == _api);
        await runner.Started.Task.WaitAsync(Timeout);
        Assert.Equal(1, runner.Stops);
    }

    [Fact]
    public async Task Restart_from_another_site_is_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/resources/catalog-api/restart");
        request.Headers.Add("Origin", "http://evil.example");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _runners.Single(r => r.State.Resource == _api).Stops);
    }

    [Fact]
    public async Task A_taken_port_fails_with_a_message_that_says_how_to_change_it()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var server = NewServer(new HostingOptions { DashboardUrl = $"http://localhost:{port}" }, new DashboardEndpoint());

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => server.StartAsync(CancellationToken.None));

        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains("--Hosting:DashboardUrl=", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("https://localhost:0")]
    [InlineData("not a url")]
    public async Task Only_a_loopback_http_url_is_accepted(string url)
    {
        var server = NewServer(new HostingOptions { DashboardUrl = url }, new DashboardEndpoint());

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => server.StartAsync(CancellationToken.None));

        Assert.Contains("Hosting:DashboardUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_dashboard_does_not_listen()
    {
        var endpoint = new DashboardEndpoint();
        var server = NewServer(new HostingOptions { DashboardEnabled = false }, endpoint);

        await server.StartAsync(CancellationToken.None);

        Assert.Null(endpoint.Url);
        await server.StopAsync(CancellationToken.None);
    }

    private async Task StartServerAsync(HostingOptions options)
    {
        _server = NewServer(options, _endpoint);
        await _server.StartAsync(CancellationToken.None);
        _http = new HttpClient { BaseAddress = new Uri(_endpoint.Url!), Timeout = Timeout };
    }

    private DashboardServer NewServer(HostingOptions options, DashboardEndpoint endpoint) =>
        new(_store, _model, endpoint, Options.Create(options), NullLoggerFactory.Instance, NullLogger<DashboardServer>.Instance);

    private async Task<StreamReader> OpenStreamAsync(string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/resources/catalog-api/logs/stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        // Disposing the reader disposes the response stream, which closes the connection.
        return new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>Reads one Server-Sent Event: its <c>id:</c> and its <c>data:</c> parsed as JSON.</summary>
    private static async Task<(string? Id, JsonElement Data)> NextEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null;
        string? data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (id, JsonDocument.Parse(data).RootElement.Clone());
            }
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }
        throw new EndOfStreamException("The event stream ended before the next event.");
    }

    private sealed class StubProject : IProjectMetadata
    {
        public string ProjectPath => "/nowhere/Catalog.Api.csproj";

        public string AssemblyPath => "/nowhere/Catalog.Api.dll";
    }

    /// <summary>A runner that runs nothing and records the commands it gets.</summary>
    private sealed class StubRunner(ResourceState state, RunContext context) : ResourceRunner(state, context)
    {
        public int Stops { get; private set; }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task StartAsync(CancellationToken cancellationToken)
        {
            State.SetState(ResourceStateKind.Running);
            Started.TrySetResult();
            return Task.CompletedTask;
        }

        public override Task<HealthResult> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(HealthResult.Healthy());

        public override Task StopAsync()
        {
            Stops++;
            return Task.CompletedTask;
        }
    }
}
