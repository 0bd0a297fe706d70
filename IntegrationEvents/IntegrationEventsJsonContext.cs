using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.IntegrationEvents;

/// <summary>The wire format: camelCase JSON, enums as strings, source-generated.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(FlashSaleChanged))]
[JsonSerializable(typeof(CatalogItemChanged))]
[JsonSerializable(typeof(OrderStatusChanged))]
[JsonSerializable(typeof(ItemStocksChanged))]
public sealed partial class IntegrationEventsJsonContext : JsonSerializerContext;
