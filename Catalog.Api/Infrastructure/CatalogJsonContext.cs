using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Catalog.Api.Apis.Contracts;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>
/// Source-generated JSON for every request and response shape, and for the values kept in Redis: the hot read
/// paths serialize without reflection. camelCase (web defaults), enums as strings.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CatalogItemResponse))]
[JsonSerializable(typeof(CatalogItemsPage))]
[JsonSerializable(typeof(List<CategoryResponse>))]
[JsonSerializable(typeof(FlashSaleResponse))]
[JsonSerializable(typeof(List<FlashSaleResponse>))]
[JsonSerializable(typeof(List<Guid>))]
[JsonSerializable(typeof(CatalogItemRequest))]
[JsonSerializable(typeof(CreateFlashSaleRequest))]
[JsonSerializable(typeof(UpdateFlashSaleRequest))]
[JsonSerializable(typeof(CacheStatsResponse))]
public sealed partial class CatalogJsonContext : JsonSerializerContext;
