using System.Text.Json;
using Shop.IntegrationEvents;

namespace Shop.Ordering.Worker.Arming;

/// <summary>Reads a CatalogItemChanged and refuses a state the ledger could never hold.</summary>
public static class CatalogItemChangedParser
{
    private const decimal MaxPrice = 9_999_999_999.99m;

    public static (CatalogItemChanged? Change, string? Problem) Parse(ReadOnlySpan<byte> body)
    {
        CatalogItemChanged? change;
        try
        {
            change = JsonSerializer.Deserialize(body, IntegrationEventsJsonContext.Default.CatalogItemChanged);
        }
        catch (JsonException e)
        {
            return (null, "not a CatalogItemChanged: " + e.Message);
        }
        var problem = change switch
        {
            null => "empty message",
            { ItemId: < 1 or > 999_999_999 } => "itemId out of range",
            { Name: null } => "no name",
            { Stock: < 0 } => "negative stock",
            { Version: < 1 } => "version must be at least 1",
            { StockVersion: < 1 } => "stockVersion must be at least 1",
            var c when c.StockVersion > c.Version => "stockVersion is newer than the version",
            { Price: < 0 or > MaxPrice } => "price out of range",
            _ => null,
        };
        return problem is null ? (change, null) : (null, problem);
    }
}
