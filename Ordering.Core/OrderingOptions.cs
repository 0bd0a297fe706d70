using System.ComponentModel.DataAnnotations;

namespace Shop.Ordering.Core;

/// <summary>Settings of the ordering pipeline shared by the API and the worker, bound from the <c>Ordering</c> section.</summary>
public sealed class OrderingOptions
{
    public const string SectionName = "Ordering";

    /// <summary>How long a confirmed order waits for payment before it expires and its units go back.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long Redis keeps a reservation's hash (well beyond the time to make it durable), and a flash sale's answers
    /// and holdings after the sale's end: a repeated key gets its first answer that long.
    /// </summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan ReservationRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The most orders (flash-sale orders and checkouts) one buyer may hold open, neither paid nor closed, across every
    /// sale: against hoarding (reserve, cancel, reserve …), enforced by the gate's scripts.
    /// </summary>
    [Range(1, 1000)]
    public int MaxOpenOrders { get; set; } = 10;

    /// <summary>
    /// The most units one buyer may hold in open orders. At least one full basket (20 lines of 10 units by default) so
    /// that a full basket can be checked out.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxOpenUnits { get; set; } = 250;

    /// <summary>
    /// The gate's soft memory limit, as a fraction of its <c>maxmemory</c>: above it the gate refuses new reservations
    /// and checkouts (503) while confirmations, releases and baskets go on, until the hard limit (where Redis refuses
    /// every write). No effect on a Redis without <c>maxmemory</c>.
    /// </summary>
    [Range(0.1, 1.0)]
    public double GateSoftMemoryLimit { get; set; } = 0.8;
}
