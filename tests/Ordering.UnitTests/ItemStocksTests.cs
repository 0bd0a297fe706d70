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

    [Theory]
    [InlineData(0)]
    [InlineData(42)]
    [InlineData(999_999_999)]
    public void The_item_is_read_back_from_its_stock_id(int itemId) => Assert.Equal(itemId, ItemStocks.ItemId(ItemStocks.StockId(itemId)));

    [Fact]
    public void A_sales_id_has_no_item() => Assert.Throws<ArgumentException>(() => ItemStocks.ItemId(Guid.CreateVersion7()));
}
