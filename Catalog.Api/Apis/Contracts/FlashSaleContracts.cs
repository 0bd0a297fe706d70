using System.Text.Json.Serialization;

namespace Shop.Catalog.Api.Apis.Contracts;

/// <summary>A flash sale with what a sale page shows of its item.</summary>
/// <param name="Status">Upcoming, Live, Ended or Cancelled, as of the moment of the answer.</param>
/// <param name="Version">Grows with every change of the sale (the same number as in its announcement).</param>
public sealed record FlashSaleResponse(
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
    FlashSalePhase Status,
    long Version);

/// <summary>Where a sale stands at a given moment.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FlashSalePhase>))]
public enum FlashSalePhase
{
    Upcoming,
    Live,
    Ended,
    Cancelled,
}
