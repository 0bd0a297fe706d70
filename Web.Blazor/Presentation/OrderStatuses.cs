namespace Shop.Web.Presentation;

/// <summary>An order's status as shown to its buyer, and what they can do with it.</summary>
public static class OrderStatuses
{
    public static string Label(string status) => status.ToLowerInvariant() switch
    {
        "pending" => "Pending",
        "confirmed" => "Confirmed",
        "paid" => "Paid",
        "expired" => "Expired",
        "cancelled" => "Cancelled",
        _ => status,
    };

    public static string Explanation(string status) => status.ToLowerInvariant() switch
    {
        "pending" => "Reserved: being confirmed…",
        "confirmed" => "Confirmed: pay before it expires.",
        "paid" => "Paid. Thank you!",
        "expired" => "Not paid in time: the units went back on sale.",
        "cancelled" => "Cancelled: the units went back on sale.",
        _ => "",
    };

    public static bool CanPay(string status) => string.Equals(status, "confirmed", StringComparison.OrdinalIgnoreCase);

    public static bool CanCancel(string status) => string.Equals(status, "confirmed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Statuses that can still change on their own (the page keeps polling while one is shown).</summary>
    public static bool IsOpen(string status) => status.ToLowerInvariant() is "pending" or "confirmed";
}
