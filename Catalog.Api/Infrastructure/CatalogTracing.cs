using System.Diagnostics;
using Shop.Catalog.Api.Caching;

namespace Shop.Catalog.Api.Infrastructure;

/// <summary>
/// Catalog's own spans (the outbox's publish, applying Ordering's stock events), on the same name as its meter
/// (<see cref="CacheMetrics.MeterName"/>), which Program.cs registers with <c>AddShopTelemetrySource</c>.
/// </summary>
public static class CatalogTracing
{
    public static readonly ActivitySource Source = new(CacheMetrics.MeterName);
}
