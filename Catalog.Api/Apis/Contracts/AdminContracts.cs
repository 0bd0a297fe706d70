namespace Shop.Catalog.Api.Apis.Contracts;

// Requests are all-nullable on purpose: a missing field is reported as a validation error naming the field
// (400 with "errors"), rather than silently becoming 0 or "" on the way in.

/// <summary>Create or replace an item (all fields required).</summary>
public sealed record CatalogItemRequest(
    string? Name,
    string? Description,
    decimal? Price,
    int? CategoryId,
    int? AvailableStock);

/// <summary>Create a flash sale.</summary>
public sealed record CreateFlashSaleRequest(
    int? ItemId,
    decimal? SalePrice,
    int? Quantity,
    int? PerBuyerLimit,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt);

/// <summary>Replace a flash sale's terms (the item is fixed for the sale's lifetime).</summary>
public sealed record UpdateFlashSaleRequest(
    decimal? SalePrice,
    int? Quantity,
    int? PerBuyerLimit,
    DateTimeOffset? StartsAt,
    DateTimeOffset? EndsAt);

/// <summary>The catalog cache counters of the replica that answers (since it started).</summary>
/// <param name="Hits">MemoryHits + RedisHits.</param>
/// <param name="Misses">Reads not answered from memory (they go to Redis, then maybe to the database).</param>
/// <param name="Loads">Database queries made to fill the cache.</param>
/// <param name="Coalesced">Reads that waited for a load another read had already started, instead of starting their own.</param>
/// <param name="RedisErrors">Redis operations that failed (the read then fell back to the database).</param>
public sealed record CacheStatsResponse(long Hits, long MemoryHits, long RedisHits, long Misses, long Loads, long Coalesced, long RedisErrors);
