using System.Text.Json;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// Reads an <see cref="ItemStocksChanged"/> and refuses one the snapshot must not take. Fields are checked for presence
/// before they are read: the contract's defaults would otherwise fill the gaps with plausible values (a missing
/// <c>occurredAt</c> becomes "now", newer than every figure; a missing <c>available</c> becomes 0, sold out).
/// </summary>
public static class ItemStocksChangedParser
{
    public static (ItemStocksChanged? Change, string? Problem) Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (MissingField(document.RootElement) is { } missing)
            {
                return (null, missing);
            }
            var change = document.RootElement.Deserialize(IntegrationEventsJsonContext.Default.ItemStocksChanged);
            var problem = change switch
            {
                null => "empty message",
                { EventId: var id } when id == Guid.Empty => "no eventId",
                _ when change.Items.Any(i => i.ItemId < 1) => "itemId must be positive",
                _ => null,
            };
            return problem is null ? (change, null) : (null, problem);
        }
        catch (JsonException exception)
        {
            return (null, "not an ItemStocksChanged: " + exception.Message);
        }
    }

    private static string? MissingField(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return "not a JSON object";
        }
        foreach (var name in (string[])["eventId", "occurredAt"])
        {
            if (Find(root, name) is null)
            {
                return "no " + name;
            }
        }
        if (Find(root, "items") is not { ValueKind: JsonValueKind.Array } items)
        {
            return "no items list";
        }
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Find(item, "itemId") is null || Find(item, "available") is null)
            {
                return "an item without itemId or available";
            }
        }
        return null;
    }

    /// <summary>A non-null property, named as the serializer would match it (the web defaults ignore case).</summary>
    private static JsonElement? Find(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind != JsonValueKind.Null)
            {
                return property.Value;
            }
        }
        return null;
    }
}
