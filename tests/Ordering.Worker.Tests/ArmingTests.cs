using System.Text;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Tests;

/// <summary>A sale announcement creates the ledger and arms the gate; versions decide what a later one changes.</summary>
[Collection(PipelineCollection.Name)]
public sealed class ArmingTests(WorkerAppFixture fixture)
{
    private static readonly string CatalogDeadLetters = EventTopology.OrderingCatalogEvents.DeadLetterQueue;

    private WorkerTestClient Client => fixture.Client;

    [Fact]
    public async Task Announcing_a_sale_creates_its_ledger_row_and_arms_the_gate()
    {
        var sale = WorkerTestClient.Sale(quantity: 10, perBuyerLimit: 2, salePrice: 12.5m);

        await Client.ArmAsync(sale);

        Assert.Equal(10, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(10, await Client.ScalarAsync("SELECT initial_quantity FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        Assert.Equal("Scheduled", await Client.StringAsync("SELECT status FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        var meta = (await Client.Redis.HashGetAllAsync(GateKeys.Stock(sale.SaleId))).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
        Assert.Equal("10", meta["stock"]);
        Assert.Equal("0", meta["pending"]);
        Assert.Equal("10", meta["initial"]);
        Assert.Equal("2", meta["limit"]);
        Assert.Equal("1", meta["version"]);
        Assert.Equal("Scheduled", meta["status"]);
        Assert.Equal("12.50", meta["price"]);
        Assert.Equal(sale.StartsAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), meta["starts"]);
        Assert.True(await Client.GateReadyAsync());
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task Announcing_again_with_the_same_or_an_older_version_changes_nothing()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 10) with { Version = 2 });

        // A repeat of v2 with other figures, and a late v1: both ignored. A v3 that changes only the name
        // follows them through the same queue, so once it is applied the two before it have been handled.
        await Client.AnnounceAsync(sale with { EventId = Guid.NewGuid(), Quantity = 20, PerBuyerLimit = 5 });
        await Client.AnnounceAsync(sale with { EventId = Guid.NewGuid(), Quantity = 30, Version = 1 });
        await Client.ArmAsync(sale with { EventId = Guid.NewGuid(), ItemName = "Renamed", Version = 3 });

        Assert.Equal(10, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(10, await Client.ScalarAsync("SELECT initial_quantity FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        Assert.Equal(1000, await Client.ScalarAsync("SELECT per_buyer_limit FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        Assert.Equal(10, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(10, await Client.GateAsync(sale.SaleId, "initial"));
        Assert.Equal(1000, await Client.GateAsync(sale.SaleId, "limit"));
        Assert.Equal(3, await Client.GateAsync(sale.SaleId, "version"));
    }

    [Fact]
    public async Task A_newer_version_before_the_start_moves_the_quantity_in_the_ledger_and_the_gate()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 10, startsAt: DateTimeOffset.UtcNow.AddHours(1)));

        await Client.ArmAsync(sale with { EventId = Guid.NewGuid(), Quantity = 25, Version = 2 });
        Assert.Equal(25, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(25, await Client.GateAsync(sale.SaleId, "stock"));

        await Client.ArmAsync(sale with { EventId = Guid.NewGuid(), Quantity = 4, Version = 3 });
        Assert.Equal(4, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(4, await Client.GateAsync(sale.SaleId, "stock"));
        Assert.Equal(4, await Client.GateAsync(sale.SaleId, "initial"));

        await Client.ArmAsync(sale with { EventId = Guid.NewGuid(), Quantity = 4, Status = FlashSaleStatus.Cancelled, Version = 4 });
        Assert.Equal("Cancelled", (string?)await Client.Redis.HashGetAsync(GateKeys.Stock(sale.SaleId), "status"));
        Assert.Equal("Cancelled", await Client.StringAsync("SELECT status FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        Assert.Equal(4, await Client.RemainingAsync(sale.SaleId));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }

    [Fact]
    public async Task A_change_that_would_take_back_sold_units_and_a_malformed_event_are_dead_lettered()
    {
        var sale = await Client.ArmAsync(WorkerTestClient.Sale(quantity: 5));
        var bought = await Client.ReserveAsync(sale.SaleId, "arming-buyer", "k1", 3);
        await Eventually.EqualAsync(2L, () => Client.RemainingAsync(sale.SaleId), "3 units sold in the ledger");

        var shrink = sale with { EventId = Guid.NewGuid(), Quantity = 2, Version = 2 };
        await Client.AnnounceAsync(shrink);
        var malformed = Guid.NewGuid().ToString();
        await Client.PublishCatalogRawAsync(Encoding.UTF8.GetBytes("{\"saleId\": 42"), malformed);

        await Client.WaitForDeadLetterAsync(CatalogDeadLetters, shrink.EventId.ToString());
        await Client.WaitForDeadLetterAsync(CatalogDeadLetters, malformed);
        Assert.Equal(2, await Client.RemainingAsync(sale.SaleId));
        Assert.Equal(5, await Client.ScalarAsync("SELECT initial_quantity FROM stocks WHERE stock_id = @s", ("s", sale.SaleId)));
        Assert.Equal(1, await Client.GateAsync(sale.SaleId, "version"));
        await Client.AssertReconcilesAsync(sale.SaleId);
    }
}
