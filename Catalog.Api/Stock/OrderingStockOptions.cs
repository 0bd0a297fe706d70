using System.ComponentModel.DataAnnotations;

namespace Shop.Catalog.Api.Stock;

/// <summary>How the catalog follows the stock Ordering reports, section <c>Catalog:OrderingStock</c>.</summary>
public sealed class OrderingStockOptions
{
    public const string SectionName = "Catalog:OrderingStock";

    /// <summary>
    /// The HTTP read of every figure (ordering-api's <c>GET /api/stock/items</c>) happens at start and then every
    /// this long. Ordering's <c>ItemStocksChanged</c> events keep the figures current; this read is the safety net for
    /// the events the catalog missed (published before its queue existed, or while the queue was gone).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a failed read the next one is tried this soon (then <see cref="ResyncInterval"/> again), so that a
    /// catalog started before ordering-api has its figures within seconds of ordering-api answering.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// One read gives up after this long. There are no retries within a read: the next read (<see cref="RetryInterval"/>
    /// later) is the retry, and a slow answer must not hold up the reads after it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Until the first figures arrive, failures for this long are expected (catalog-api does not wait for
    /// ordering-api to start) and logged as information; after it, as the outage's one warning.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan StartupGrace { get; set; } = TimeSpan.FromSeconds(30);
}
