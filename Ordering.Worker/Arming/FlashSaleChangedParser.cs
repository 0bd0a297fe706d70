using System.Text.Json;
using Shop.IntegrationEvents;

namespace Shop.Ordering.Worker.Arming;

/// <summary>Reads a FlashSaleChanged and refuses a definition the ledger could never hold.</summary>
public static class FlashSaleChangedParser
{
    private const decimal MaxPrice = 9_999_999_999.99m;

    public static (FlashSaleChanged? Change, string? Problem) Parse(ReadOnlySpan<byte> body)
    {
        FlashSaleChanged? change;
        try
        {
            change = JsonSerializer.Deserialize(body, IntegrationEventsJsonContext.Default.FlashSaleChanged);
        }
        catch (JsonException e)
        {
            return (null, "not a FlashSaleChanged: " + e.Message);
        }
        var problem = change switch
        {
            null => "empty message",
            { SaleId: var id } when id == Guid.Empty => "no saleId",
            { ItemName: null } => "no itemName",
            { Quantity: < 0 } => "negative quantity",
            { PerBuyerLimit: < 1 } => "perBuyerLimit must be at least 1",
            { Version: < 1 } => "version must be at least 1",
            { SalePrice: < 0 or > MaxPrice } or { RegularPrice: < 0 or > MaxPrice } => "price out of range",
            { Status: not (FlashSaleStatus.Scheduled or FlashSaleStatus.Cancelled) } => "unknown status",
            var c when c.EndsAt <= c.StartsAt => "the sale ends before it starts",
            _ => null,
        };
        return problem is null ? (change, null) : (null, problem);
    }
}
