using Shop.Catalog.Api.Stock;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>
/// The snapshot's two writers, Ordering's events (<see cref="ItemStockSnapshot.Merge"/>) and the HTTP resync
/// (<see cref="ItemStockSnapshot.Replace"/>): per item, the figure of the latest time wins, whichever brought it.
/// </summary>
public sealed class ItemStockSnapshotTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ItemStockSnapshot _snapshot = new();

    private static ItemStocksChanged Event(DateTimeOffset occurredAt, params (int ItemId, long Available)[] items) =>
        new() { OccurredAt = occurredAt, Items = [.. items.Select(i => new ItemStockFigure(i.ItemId, i.Available))] };

    private int? Shown(int itemId) => _snapshot.TryGetAvailable(itemId, out var available) ? available : null;

    [Fact]
    public void An_event_applies_its_figures_unless_the_snapshot_holds_a_newer_one()
    {
        Assert.Equal(2, _snapshot.Merge(Event(T, (1, 10), (2, 20))));
        Assert.Equal(1, _snapshot.Merge(Event(T.AddSeconds(2), (1, 8))));
        Assert.Equal((8, 20), (Shown(1), Shown(2)));

        // Late (published before the one above, delivered after it): item 1 keeps its newer figure, item 3 is new.
        Assert.Equal(1, _snapshot.Merge(Event(T.AddSeconds(1), (1, 9), (3, 30))));
        Assert.Equal((8, 30), (Shown(1), Shown(3)));

        // A repeat of the same event (at least once) or another of the same time changes nothing it should not.
        Assert.Equal(1, _snapshot.Merge(Event(T.AddSeconds(2), (1, 8))));
        Assert.Equal(8, Shown(1));
        Assert.Equal(3, _snapshot.Count);
    }

    [Fact]
    public void A_resync_replaces_every_figure_but_one_from_a_newer_event()
    {
        _snapshot.Merge(Event(T, (1, 10), (2, 20), (3, 30)));
        _snapshot.Merge(Event(T.AddSeconds(10), (2, 18)));

        // Read at T+5: the truth then, so item 1 takes its figure and item 3, which Ordering no longer lists, goes;
        // item 2 moved after the read was sent, and the event that says so is kept.
        _snapshot.Replace([new ItemStockLevel(1, 11), new ItemStockLevel(2, 19), new ItemStockLevel(4, 40)], T.AddSeconds(5));
        Assert.Equal((11, 18, null, 40), (Shown(1), Shown(2), Shown(3), Shown(4)));

        // An event older than the read loses to it; a newer one wins.
        Assert.Equal(0, _snapshot.Merge(Event(T.AddSeconds(4), (1, 1), (4, 1))));
        Assert.Equal(1, _snapshot.Merge(Event(T.AddSeconds(6), (4, 39))));
        Assert.Equal((11, 39), (Shown(1), Shown(4)));

        // A later read is newer than every event so far: all its figures.
        _snapshot.Replace([new ItemStockLevel(2, 17)], T.AddSeconds(20));
        Assert.Equal((null, 17, null), (Shown(1), Shown(2), Shown(4)));
    }

    [Fact]
    public void Figures_are_shown_between_zero_and_int_max()
    {
        _snapshot.Merge(Event(T, (1, -3), (2, long.MaxValue), (3, int.MaxValue)));
        Assert.Equal((0, int.MaxValue, int.MaxValue), (Shown(1), Shown(2), Shown(3)));

        _snapshot.Replace([new ItemStockLevel(1, -1), new ItemStockLevel(2, (long)int.MaxValue + 1)], T.AddSeconds(1));
        Assert.Equal((0, int.MaxValue), (Shown(1), Shown(2)));
    }

    [Fact]
    public async Task Merges_and_resyncs_at_once_lose_no_newer_figure()
    {
        // Each event is newer than every read: whatever the interleaving, every event's figure must survive. Without the
        // writers' lock a resync built from the dictionary before a merge would drop that merge's figure.
        const int Items = 2_000;
        using var done = new CancellationTokenSource();
        var resyncs = Task.Run(() =>
        {
            var rounds = 0;
            while (!done.IsCancellationRequested || rounds == 0)
            {
                _snapshot.Replace([new ItemStockLevel(Items + 1, 1)], T);
                rounds++;
            }
            return rounds;
        });
        await Parallel.ForAsync(1, Items + 1, (item, _) =>
        {
            _snapshot.Merge(Event(T.AddSeconds(1), (item, item)));
            return ValueTask.CompletedTask;
        });
        await done.CancelAsync();
        Assert.True(await resyncs > 0);

        Assert.All(Enumerable.Range(1, Items), item => Assert.Equal(item, Shown(item)));
    }
}
