namespace Shop.Ordering.Core;

/// <summary>Settings of the ordering pipeline shared by the API and the worker, bound from the <c>Ordering</c> section.</summary>
public sealed class OrderingOptions
{
    public const string SectionName = "Ordering";

    /// <summary>How long a confirmed order waits for payment before it expires and its units go back.</summary>
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long Redis keeps a reservation's hash (well beyond the time to make it durable).</summary>
    public TimeSpan ReservationRetention { get; set; } = TimeSpan.FromDays(7);
}
