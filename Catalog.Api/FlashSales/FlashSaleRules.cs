using Shop.Catalog.Api.Apis.Contracts;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.FlashSales;

/// <summary>The terms of a sale once validated (times in UTC, microsecond precision like PostgreSQL).</summary>
public sealed record SaleTerms(decimal SalePrice, int Quantity, int PerBuyerLimit, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>
/// The rules of flash sales (docs/catalog.md): positive price and quantity, a limit of at least 1 (and not above the
/// quantity), an end after the start and in the future, a window of at most <see cref="MaxDuration"/>; once a sale
/// has started its quantity and start are fixed; a cancelled or ended sale is not changed any more. The overlap
/// rule needs the database and lives with the handlers (and an exclusion constraint).
/// </summary>
public static class FlashSaleRules
{
    public const decimal MaxPrice = 1_000_000m;
    public const int MaxQuantity = 1_000_000;
    public const int MaxPerBuyerLimit = 1_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxLeadTime = TimeSpan.FromDays(366);

    public static FlashSalePhase PhaseAt(FlashSaleState state, DateTimeOffset startsAt, DateTimeOffset endsAt, DateTimeOffset now) =>
        state == FlashSaleState.Cancelled ? FlashSalePhase.Cancelled
        : now >= endsAt ? FlashSalePhase.Ended
        : now >= startsAt ? FlashSalePhase.Live
        : FlashSalePhase.Upcoming;

    /// <summary>Field checks shared by create and update; null (with <paramref name="errors"/> filled) when invalid.</summary>
    public static SaleTerms? ValidateTerms(
        ValidationErrors errors, decimal? salePrice, int? quantity, int? perBuyerLimit, DateTimeOffset? startsAt, DateTimeOffset? endsAt, DateTimeOffset now)
    {
        var price = errors.RequiredPrice("salePrice", salePrice, MaxPrice);
        var units = errors.RequiredInt("quantity", quantity, 1, MaxQuantity);
        var limit = errors.RequiredInt("perBuyerLimit", perBuyerLimit, 1, MaxPerBuyerLimit);
        var start = errors.RequiredTime("startsAt", startsAt);
        var end = errors.RequiredTime("endsAt", endsAt);

        if (units is int q && limit is int l && l > q)
        {
            errors.Add("perBuyerLimit", $"'perBuyerLimit' ({l}) must not exceed 'quantity' ({q}).");
        }
        if (start is DateTimeOffset s && end is DateTimeOffset e)
        {
            if (e <= s)
            {
                errors.Add("endsAt", "'endsAt' must be after 'startsAt'.");
            }
            else if (e - s > MaxDuration)
            {
                errors.Add("endsAt", $"A sale lasts at most {MaxDuration.TotalDays} days.");
            }
            if (e <= now)
            {
                errors.Add("endsAt", "'endsAt' must be in the future.");
            }
            if (s > now + MaxLeadTime)
            {
                errors.Add("startsAt", $"'startsAt' must be within {MaxLeadTime.TotalDays} days from now.");
            }
        }

        return errors.IsValid ? new SaleTerms(price!.Value, units!.Value, limit!.Value, start!.Value, end!.Value) : null;
    }

    /// <summary>Why <paramref name="sale"/> cannot change at all any more (a 409), or null.</summary>
    public static string? CheckCancelledOrEnded(FlashSale sale, DateTimeOffset now) => PhaseAt(sale.State, sale.StartsAt, sale.EndsAt, now) switch
    {
        FlashSalePhase.Cancelled => "The sale was cancelled; a cancelled sale cannot be changed.",
        FlashSalePhase.Ended => "The sale is over; it cannot be changed.",
        _ => null,
    };

    /// <summary>Why <paramref name="sale"/> may not take <paramref name="terms"/> now (a 409), or null.</summary>
    public static string? CheckUpdate(FlashSale sale, SaleTerms terms, DateTimeOffset now)
    {
        if (CheckCancelledOrEnded(sale, now) is string closed)
        {
            return closed;
        }
        switch (PhaseAt(sale.State, sale.StartsAt, sale.EndsAt, now))
        {
            case FlashSalePhase.Live when terms.Quantity != sale.Quantity:
                return $"The sale has started: its quantity ({sale.Quantity}) can no longer change. Cancel the sale instead.";
            case FlashSalePhase.Live when terms.StartsAt != sale.StartsAt:
                return "The sale has started: its start can no longer change.";
            default:
                return null;
        }
    }

    /// <summary>Why <paramref name="sale"/> may not be cancelled now (a 409), or null.</summary>
    public static string? CheckCancel(FlashSale sale, DateTimeOffset now) =>
        PhaseAt(sale.State, sale.StartsAt, sale.EndsAt, now) == FlashSalePhase.Ended ? "The sale is over; there is nothing left to cancel." : null;

    public static bool SameTerms(FlashSale sale, SaleTerms terms) =>
        sale.SalePrice == terms.SalePrice && sale.Quantity == terms.Quantity && sale.PerBuyerLimit == terms.PerBuyerLimit
        && sale.StartsAt == terms.StartsAt && sale.EndsAt == terms.EndsAt;
}
