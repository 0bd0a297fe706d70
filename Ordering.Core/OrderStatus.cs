namespace Shop.Ordering.Core;

/// <summary>
/// An order's life: <c>pending</c> (accepted by the gate, only in Redis) → <c>confirmed</c> (durable in
/// orderingdb) → <c>paid</c>; or <c>expired</c> (not paid in time) / <c>cancelled</c> (by the buyer), which give
/// the units back. The database stores the durable states with a capital letter.
/// </summary>
public static class OrderStatus
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Paid = "paid";
    public const string Expired = "expired";
    public const string Cancelled = "cancelled";

    /// <summary>The database spelling ("Confirmed") of a status ("confirmed").</summary>
    public static string ToDatabase(string status) => char.ToUpperInvariant(status[0]) + status[1..];

    public static string FromDatabase(string status) => status.ToLowerInvariant();
}
