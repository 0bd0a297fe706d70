using System.Text.Json;
using Shop.IntegrationEvents;
using Shop.Ordering.Worker.Arming;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The worker's reading of the catalog's announcements: a sale or an item state the ledger can hold passes, and
/// one it never could is named (the event is dead-lettered with that reason instead of retried for ever).
/// </summary>
public sealed class CatalogEventParserTests
{
    private static readonly FlashSaleChanged Sale = new()
    {
        SaleId = Guid.NewGuid(), ItemId = 4, ItemName = "Mug", RegularPrice = 12m, SalePrice = 6m, Quantity = 100, PerBuyerLimit = 2,
        StartsAt = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), EndsAt = new DateTimeOffset(2026, 12, 6, 11, 0, 0, TimeSpan.Zero),
        Status = FlashSaleStatus.Scheduled, Version = 1,
    };

    private static readonly CatalogItemChanged Item = new()
    {
        ItemId = 4, Name = "Mug", Price = 12m, Stock = 30, StockVersion = 2, Deleted = false, Version = 3,
    };

    private static string? SaleProblem(FlashSaleChanged change) =>
        FlashSaleChangedParser.Parse(JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.FlashSaleChanged)).Problem;

    private static string? ItemProblem(CatalogItemChanged change) =>
        CatalogItemChangedParser.Parse(JsonSerializer.SerializeToUtf8Bytes(change, IntegrationEventsJsonContext.Default.CatalogItemChanged)).Problem;

    [Fact]
    public void A_sale_the_ledger_can_hold_passes_and_round_trips()
    {
        var (change, problem) = FlashSaleChangedParser.Parse(JsonSerializer.SerializeToUtf8Bytes(Sale, IntegrationEventsJsonContext.Default.FlashSaleChanged));

        Assert.Null(problem);
        Assert.Equal(Sale, change);
        Assert.Null(SaleProblem(Sale with { Quantity = 0, Status = FlashSaleStatus.Cancelled }));
    }

    [Fact]
    public void A_sale_the_ledger_could_never_hold_is_named()
    {
        Assert.Equal("no saleId", SaleProblem(Sale with { SaleId = Guid.Empty }));
        Assert.Equal("negative quantity", SaleProblem(Sale with { Quantity = -1 }));
        Assert.Equal("perBuyerLimit must be at least 1", SaleProblem(Sale with { PerBuyerLimit = 0 }));
        Assert.Equal("version must be at least 1", SaleProblem(Sale with { Version = 0 }));
        Assert.Equal("price out of range", SaleProblem(Sale with { SalePrice = -1m }));
        Assert.Equal("price out of range", SaleProblem(Sale with { RegularPrice = 10_000_000_000m }));
        Assert.Equal("the sale ends before it starts", SaleProblem(Sale with { EndsAt = Sale.StartsAt }));
        Assert.Equal("unknown status", SaleProblem(Sale with { Status = (FlashSaleStatus)42 }));
    }

    [Fact]
    public void What_is_not_an_announcement_is_named_as_such()
    {
        Assert.StartsWith("not a FlashSaleChanged", FlashSaleChangedParser.Parse("{"u8).Problem, StringComparison.Ordinal);
        Assert.StartsWith("not a CatalogItemChanged", CatalogItemChangedParser.Parse("[1, 2]"u8).Problem, StringComparison.Ordinal);
        Assert.Equal("empty message", CatalogItemChangedParser.Parse("null"u8).Problem);
    }

    [Fact]
    public void An_item_state_the_ledger_can_hold_passes_and_round_trips()
    {
        var (change, problem) = CatalogItemChangedParser.Parse(JsonSerializer.SerializeToUtf8Bytes(Item, IntegrationEventsJsonContext.Default.CatalogItemChanged));

        Assert.Null(problem);
        Assert.Equal(Item, change);
        Assert.Null(ItemProblem(Item with { Deleted = true, Stock = 0 }));
    }

    [Fact]
    public void An_item_state_the_ledger_could_never_hold_is_named()
    {
        Assert.Equal("itemId out of range", ItemProblem(Item with { ItemId = 0 }));
        Assert.Equal("itemId out of range", ItemProblem(Item with { ItemId = 1_000_000_000 }));
        Assert.Equal("negative stock", ItemProblem(Item with { Stock = -1 }));
        Assert.Equal("version must be at least 1", ItemProblem(Item with { Version = 0, StockVersion = 0 }));
        Assert.Equal("stockVersion must be at least 1", ItemProblem(Item with { StockVersion = 0 }));
        Assert.Equal("stockVersion is newer than the version", ItemProblem(Item with { StockVersion = 4 }));
        Assert.Equal("price out of range", ItemProblem(Item with { Price = -0.5m }));
    }
}
