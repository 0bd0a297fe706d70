using System.ComponentModel.DataAnnotations;

namespace Shop.Catalog.Api.Stock;

/// <summary>How the catalog follows the stock Ordering reports, section <c>Catalog:OrderingStock</c>.</summary>
public sealed class OrderingStockOptions
{
    public const string SectionName = "Catalog:OrderingStock";

    /// <summary>How often the figures are read again (docs/checkout.md: every second).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// One read gives up after this long. There are no retries: the next round is a retry, and a slow answer must not
    /// hold up the rounds after it.
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
