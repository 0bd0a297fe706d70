using System.Text.Json.Serialization;

namespace Shop.Web.Services;

// The shapes of catalog-api's and ordering-api's answers as the storefront reads them (docs/catalog.md,
// docs/ordering.md). Only the fields the pages use; unknown fields are ignored.

public sealed record CatalogItem(
    int Id,
    string Name,
    string Description,
    decimal Price,
    int CategoryId,
    string CategoryName,
    int AvailableStock,
    string PictureUrl);

public sealed record CatalogPage(int PageIndex, int PageSize, long Count, IReadOnlyList<CatalogItem> Data);

public sealed record Category(int Id, string Name);

/// <summary>A flash sale as catalog-api describes it; <see cref="Status"/> is Upcoming, Live, Ended or Cancelled.</summary>
public sealed record FlashSale(
    Guid Id,
    int ItemId,
    string ItemName,
    string PictureUrl,
    decimal RegularPrice,
    decimal SalePrice,
    int Quantity,
    int PerBuyerLimit,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string Status,
    long Version);

/// <summary>Body of <c>POST /api/admin/flash-sales</c>.</summary>
public sealed record CreateFlashSale(int ItemId, decimal SalePrice, int Quantity, int PerBuyerLimit, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

/// <summary>ordering-api's <c>GET /api/flash-sales/{id}/stock</c>.</summary>
public sealed record SaleStock(Guid SaleId, long Remaining, int Initial, string Status, DateTimeOffset StartsAt, DateTimeOffset EndsAt, DateTimeOffset ServerTime);

/// <summary>
/// One of the buyer's orders, of either kind (docs/checkout.md): <see cref="Kind"/> "checkout" (a basket, with
/// <see cref="Lines"/>, no sale, no single unit price) or "flash-sale" (one line, its <see cref="SaleId"/> and
/// <see cref="UnitPrice"/>). <see cref="Status"/>: pending, confirmed, paid, expired, cancelled.
/// </summary>
public sealed record Order(
    Guid OrderId,
    string? Kind,
    Guid? SaleId,
    int Quantity,
    decimal? UnitPrice,
    decimal Total,
    string Status,
    DateTimeOffset ReservedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? PaidAt,
    IReadOnlyList<OrderLine>? Lines)
{
    public const string CheckoutKind = "checkout";

    /// <summary>A basket's order. An answer without a kind predates checkout: a flash-sale order.</summary>
    public bool IsCheckout => string.Equals(Kind, CheckoutKind, StringComparison.OrdinalIgnoreCase);
}

/// <summary>One line of an order: the item, how many, at what price.</summary>
public sealed record OrderLine(int ItemId, string? ItemName, int Quantity, decimal UnitPrice, decimal Total);

public sealed record BuyerOverLimit(string BuyerId, int Units);

/// <summary>ordering-api's <c>GET /api/admin/flash-sales/{id}/reconciliation</c>.</summary>
public sealed record ReconciliationReport(
    Guid StockId,
    int Initial,
    long? RedisRemaining,
    long? InFlight,
    int Sold,
    int Releasing,
    int LedgerRemaining,
    int PerBuyerLimit,
    IReadOnlyList<BuyerOverLimit> BuyersOverLimit,
    bool Holds,
    DateTimeOffset CheckedAt);

/// <summary>An RFC 7807 problem as the APIs write it (validation problems add <see cref="Errors"/>).</summary>
public sealed record ApiProblem(
    string? Type,
    string? Title,
    int? Status,
    string? Detail,
    IReadOnlyDictionary<string, string[]>? Errors)
{
    public static readonly ApiProblem Empty = new(null, null, null, null, null);
}

/// <summary>Source-generated JSON for everything the storefront reads and writes.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(CatalogPage))]
[JsonSerializable(typeof(CatalogItem))]
[JsonSerializable(typeof(IReadOnlyList<Category>))]
[JsonSerializable(typeof(FlashSale))]
[JsonSerializable(typeof(IReadOnlyList<FlashSale>))]
[JsonSerializable(typeof(IReadOnlyList<Guid>))]
[JsonSerializable(typeof(CreateFlashSale))]
[JsonSerializable(typeof(SaleStock))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(IReadOnlyList<Order>))]
[JsonSerializable(typeof(ReconciliationReport))]
[JsonSerializable(typeof(Shop.Web.Identity.OAuthTokenResponse))]
[JsonSerializable(typeof(Shop.Web.Identity.OAuthError))]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(BasketContents))]
[JsonSerializable(typeof(SetBasketQuantity))]
[JsonSerializable(typeof(CheckoutRequest))]
[JsonSerializable(typeof(OrderAccepted))]
[JsonSerializable(typeof(CheckoutProblem))]
[JsonSerializable(typeof(Shop.Web.Bff.BuyRequest))]
[JsonSerializable(typeof(Shop.Web.Bff.SignedInUser))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
public sealed partial class ShopJsonContext : JsonSerializerContext;
