using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Catalog.Api.Apis.Contracts;
using ZiggyCreatures.Caching.Fusion.Internals.Distributed;

namespace Shop.Catalog.Api.Caching;

/// <summary>
/// Source-generated JSON for what FusionCache keeps in Redis: each cached read model in FusionCache's envelope (value,
/// timestamps, tags, metadata), and the <c>long</c> timestamp of the read models' tag. Same conventions as the API's
/// <c>CatalogJsonContext</c>. A read model that <see cref="CatalogReader"/> caches must be listed here, else FusionCache
/// cannot serialize it and it stays in process memory only.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FusionCacheDistributedEntry<CatalogItemsPage>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<CatalogItemResponse>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<List<CategoryResponse>>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<FlashSaleResponse>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<List<FlashSaleResponse>>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<List<Guid>>))]
[JsonSerializable(typeof(FusionCacheDistributedEntry<long>))]
public sealed partial class CatalogCacheJsonContext : JsonSerializerContext;
