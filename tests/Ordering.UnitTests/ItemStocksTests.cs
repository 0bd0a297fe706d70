using Shop.Ordering.Core;

namespace Shop.Ordering.UnitTests;

/// <summary>An item's stock id is read from the item id, and never taken for a sale's (UUIDv7) id.</summary>
public sealed class ItemStocksTests
{
    [Fact]
    public void An_items_stock_id_is_recognised_and_a_sales_id_is_not()
    {
        Assert.Equal(Guid.Parse("00000000-0000-0000-0000-000000000042"), ItemStocks.StockId(42));
        Assert.True(ItemStocks.IsItemStock(ItemStocks.StockId(42)));
        Assert.True(ItemStocks.IsItemStock(ItemStocks.StockId(999_999_999)));
        Assert.False(ItemStocks.IsItemStock(Guid.CreateVersion7()));
        Assert.False(ItemStocks.IsItemStock(Guid.Parse("00000000-0000-0000-0001-000000000042")));
    }
}
