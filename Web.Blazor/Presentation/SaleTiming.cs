using System.Globalization;

namespace Shop.Web.Presentation;

/// <summary>Where a sale stands at a given moment, as the pages show it.</summary>
public enum SalePhase
{
    Upcoming,
    Live,
    SoldOut,
    Ended,
    Cancelled,
}

/// <summary>
/// The sale's phase and countdown text, from the server's clock. The page scripts (wwwroot/js/shop.js) apply
/// the same rules in the browser, with the server's time from the stock endpoint.
/// </summary>
public static class SaleTiming
{
    public static SalePhase Phase(string catalogStatus, DateTimeOffset startsAt, DateTimeOffset endsAt, long? remaining, DateTimeOffset now)
    {
        if (string.Equals(catalogStatus, "Cancelled", StringComparison.OrdinalIgnoreCase))
        {
            return SalePhase.Cancelled;
        }
        if (now >= endsAt)
        {
            return SalePhase.Ended;
        }
        if (now < startsAt)
        {
            return SalePhase.Upcoming;
        }
        return remaining is <= 0 ? SalePhase.SoldOut : SalePhase.Live;
    }

    /// <summary>"2d 03:04:05", "03:04:05", "04:05"; never negative.</summary>
    public static string FormatRemaining(TimeSpan left)
    {
        if (left < TimeSpan.Zero)
        {
            left = TimeSpan.Zero;
        }
        var totalSeconds = (long)Math.Floor(left.TotalSeconds);
        var days = totalSeconds / 86_400;
        var hours = totalSeconds / 3600 % 24;
        var minutes = totalSeconds / 60 % 60;
        var seconds = totalSeconds % 60;
        if (days > 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{days}d {hours:00}:{minutes:00}:{seconds:00}");
        }
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours:00}:{minutes:00}:{seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes:00}:{seconds:00}");
    }

    /// <summary>The countdown's label and the moment it counts to, or null when nothing is ahead.</summary>
    public static (string Label, DateTimeOffset Target)? Countdown(SalePhase phase, DateTimeOffset startsAt, DateTimeOffset endsAt) => phase switch
    {
        SalePhase.Upcoming => ("Starts in", startsAt),
        SalePhase.Live or SalePhase.SoldOut => ("Ends in", endsAt),
        _ => null,
    };

    public static string Label(SalePhase phase) => phase switch
    {
        SalePhase.Upcoming => "Upcoming",
        SalePhase.Live => "Live",
        SalePhase.SoldOut => "Sold out",
        SalePhase.Ended => "Ended",
        _ => "Cancelled",
    };

    /// <summary>Whole-percent discount of the sale price against the regular price ("-50%"), 0 when none.</summary>
    public static int DiscountPercent(decimal regularPrice, decimal salePrice) =>
        regularPrice <= 0 || salePrice >= regularPrice ? 0 : (int)Math.Round((regularPrice - salePrice) / regularPrice * 100m, MidpointRounding.AwayFromZero);
}

/// <summary>
/// Prices as the shop shows them: US dollars, "$1,234.50". Spelled out rather than "C2" with en-US: the services
/// run with invariant globalization (no culture data).
/// </summary>
public static class Money
{
    public static string Format(decimal amount) =>
        (amount < 0 ? "-$" : "$") + Math.Abs(amount).ToString("#,0.00", CultureInfo.InvariantCulture);
}
