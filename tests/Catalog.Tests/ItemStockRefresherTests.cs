using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Stock;

namespace Shop.Catalog.Tests;

/// <summary>
/// The catalog's copy of Ordering's stock figures, without a composition: ordering-api stands in as a handler that
/// answers, fails, errs or hangs as each test says. What matters here: no exception ever escapes a round, the last
/// figures stay through an outage, one warning per outage, and the overlay never touches what the cache holds.
/// </summary>
public sealed class ItemStockRefresherTests : IDisposable
{
    private readonly StandIn _ordering = new();
    private readonly Logs _logs = new();
    private readonly ServiceProvider _services;
    private readonly ItemStockRefresher _refresher;
    private readonly ItemStockSnapshot _snapshot;

    public ItemStockRefresherTests()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logs));
        services.AddSingleton<ItemStockSnapshot>();
        services.AddHttpClient<OrderingStockClient>(http =>
        {
            http.BaseAddress = new Uri("http://ordering-api.test");
            http.Timeout = TimeSpan.FromMilliseconds(300);
        }).ConfigurePrimaryHttpMessageHandler(() => _ordering);
        _services = services.BuildServiceProvider();
        _snapshot = _services.GetRequiredService<ItemStockSnapshot>();
        _refresher = new ItemStockRefresher(_services, _snapshot, Options.Create(new OrderingStockOptions()), TimeProvider.System,
            _services.GetRequiredService<ILogger<ItemStockRefresher>>());
    }

    public void Dispose() => _services.Dispose();

    private static CatalogItemResponse Item(int id, int stock) => new(id, $"Item {id}", "", 1m, 1, "Books", stock, $"/api/catalog/items/{id}/pic?v=1");

    private int Warnings => _logs.Entries.Count(e => e.Level == LogLevel.Warning);

    [Fact]
    public async Task Ordering_figures_replace_the_catalog_stock_of_the_items_it_knows_only()
    {
        _ordering.Answer = """[{"itemId":1,"available":42},{"itemId":2,"available":0},{"itemId":4,"available":-3}]""";

        await _refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal("/api/stock/items", _ordering.LastPath);
        Assert.Equal(42, _snapshot.Overlay(Item(1, 7)).AvailableStock);
        Assert.Equal(0, _snapshot.Overlay(Item(2, 7)).AvailableStock);
        Assert.Equal(7, _snapshot.Overlay(Item(3, 7)).AvailableStock); // not known to Ordering: the catalog's own
        Assert.Equal(0, _snapshot.Overlay(Item(4, 7)).AvailableStock); // never shown below zero

        // A page is copied where a figure differs; the cached page itself is never changed.
        var cached = new CatalogItemsPage(0, 10, 2, [Item(1, 7), Item(3, 7)]);
        var shown = _snapshot.Overlay(cached);
        Assert.Equal([42, 7], shown.Data.Select(i => i.AvailableStock));
        Assert.Equal([7, 7], cached.Data.Select(i => i.AvailableStock));
        var unchanged = new CatalogItemsPage(0, 10, 1, [Item(3, 7), Item(1, 42)]);
        Assert.Same(unchanged, _snapshot.Overlay(unchanged));
        Assert.Equal(0, Warnings);
    }

    [Fact]
    public async Task An_outage_keeps_the_last_figures_and_warns_once()
    {
        _ordering.Answer = """[{"itemId":1,"available":42}]""";
        await _refresher.RefreshAsync(CancellationToken.None);

        // Unreachable, an error status, a body that is not the list, a hang past the timeout: one outage, one warning.
        _ordering.Failure = () => throw new HttpRequestException("Connection refused (ordering-api.test:80)");
        await _refresher.RefreshAsync(CancellationToken.None);
        await _refresher.RefreshAsync(CancellationToken.None);
        _ordering.Failure = () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        await _refresher.RefreshAsync(CancellationToken.None);
        _ordering.Failure = () => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"oops\":1}", Encoding.UTF8, "application/json") };
        await _refresher.RefreshAsync(CancellationToken.None);
        _ordering.Hang = true;
        await _refresher.RefreshAsync(CancellationToken.None);

        Assert.Equal(42, _snapshot.Overlay(Item(1, 7)).AvailableStock);
        Assert.Equal(1, Warnings);
        Assert.Contains("Connection refused", _logs.Entries.Single(e => e.Level == LogLevel.Warning).Message, StringComparison.Ordinal);

        // Back: new figures, one line to say so; the next outage warns again.
        _ordering.Hang = false;
        _ordering.Failure = null;
        _ordering.Answer = """[{"itemId":1,"available":40}]""";
        await _refresher.RefreshAsync(CancellationToken.None);
        Assert.Equal(40, _snapshot.Overlay(Item(1, 7)).AvailableStock);
        Assert.Single(_logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("can be read again", StringComparison.Ordinal));

        _ordering.Failure = () => throw new HttpRequestException("Connection refused again");
        await _refresher.RefreshAsync(CancellationToken.None);
        Assert.Equal(2, Warnings);
        Assert.Equal(40, _snapshot.Overlay(Item(1, 7)).AvailableStock);
    }

    [Fact]
    public async Task At_start_ordering_may_be_late_without_a_warning_until_the_grace_has_passed()
    {
        var clock = new ManualClock();
        var refresher = new ItemStockRefresher(_services, _snapshot, Options.Create(new OrderingStockOptions { StartupGrace = TimeSpan.FromSeconds(30) }),
            clock, _services.GetRequiredService<ILogger<ItemStockRefresher>>());
        _ordering.Failure = () => throw new HttpRequestException("Connection refused (not started yet)");

        await refresher.RefreshAsync(CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(29));
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.Equal(0, Warnings);
        Assert.Single(_logs.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("cannot be read yet", StringComparison.Ordinal));

        // Still nothing after the grace: now it is an outage worth a warning, once.
        clock.Advance(TimeSpan.FromSeconds(2));
        await refresher.RefreshAsync(CancellationToken.None);
        await refresher.RefreshAsync(CancellationToken.None);
        Assert.Equal(1, Warnings);
        Assert.Equal(7, _snapshot.Overlay(Item(1, 7)).AvailableStock);
    }

    [Fact]
    public async Task The_hosted_loop_retries_soon_after_a_failure_then_waits_the_resync_interval_and_stops_cleanly()
    {
        var clock = new RecordingClock();
        var settings = new OrderingStockOptions { ResyncInterval = TimeSpan.FromHours(1), RetryInterval = TimeSpan.FromMilliseconds(100) };
        var refresher = new ItemStockRefresher(_services, _snapshot, Options.Create(settings), clock,
            _services.GetRequiredService<ILogger<ItemStockRefresher>>());
        _ordering.Failure = () => throw new HttpRequestException("Connection refused (not started yet)");

        await refresher.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(_ordering.Calls >= 3), "three reads were tried, RetryInterval apart");
        _ordering.Answer = """[{"itemId":9,"available":5}]""";
        _ordering.Failure = null;
        await Eventually.TrueAsync(() => Task.FromResult(clock.Waits.Contains(settings.ResyncInterval)), "a read succeeded and the next waits ResyncInterval");
        await refresher.StopAsync(CancellationToken.None);

        Assert.Equal(5, _snapshot.Overlay(Item(9, 1)).AvailableStock);
        Assert.True(refresher.ExecuteTask!.IsCompletedSuccessfully);
        // Every wait before the first figures was the retry's; the one after them, the resync's.
        var waits = clock.Waits.ToList();
        Assert.Equal(settings.ResyncInterval, waits[^1]);
        Assert.All(waits[..^1], wait => Assert.Equal(settings.RetryInterval, wait));
        Assert.True(waits.Count >= 3);
        Assert.Equal(0, Warnings); // within the start-up grace
    }

    /// <summary>The system's clock, noting the length of every wait asked of it (the refresher's waits are its only timers).</summary>
    private sealed class RecordingClock : TimeProvider
    {
        public ConcurrentQueue<TimeSpan> Waits { get; } = new();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Enqueue(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>ordering-api, as the test wants it to behave.</summary>
    private sealed class StandIn : HttpMessageHandler
    {
        private int _calls;

        public string Answer { get; set; } = "[]";

        public Func<HttpResponseMessage>? Failure { get; set; }

        public bool Hang { get; set; }

        public string? LastPath { get; private set; }

        public int Calls => Volatile.Read(ref _calls);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            LastPath = request.RequestUri?.AbsolutePath;
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            return Failure?.Invoke() ?? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Answer, Encoding.UTF8, "application/json") };
        }
    }

    private sealed record Entry(LogLevel Level, string Message);

    private sealed class Logs : ILoggerProvider
    {
        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(ItemStockRefresher).FullName ? new Logger(Entries) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(logLevel, formatter(state, exception)));
        }
    }
}
