using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Catalog.Api.Stock;

/// <summary>One item's units left, as ordering-api reports them (<c>GET /api/stock/items</c>, docs/checkout.md).</summary>
public sealed record ItemStockLevel(int ItemId, long Available);

/// <summary>ordering-api's wire format (camelCase), source-generated.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<ItemStockLevel>))]
public sealed partial class OrderingStockJsonContext : JsonSerializerContext;
