namespace Shop.IntegrationEvents;

/// <summary>
/// Published by Catalog when a flash sale is created, changed or cancelled; Ordering arms (or disarms) the
/// sale from it. Every change carries the sale's whole current definition, so a subscriber needs no other
/// call, and a <see cref="Version"/> that grows with each change, so an older event that arrives late is
/// ignored. Routing key <see cref="EventTopology.FlashSaleChangedRoutingKey"/> on <see cref="EventTopology.Exchange"/>.
/// </summary>
public sealed record FlashSaleChanged : IntegrationEvent
{
    public required Guid SaleId { get; init; }

    public required int ItemId { get; init; }

    public required string ItemName { get; init; }

    /// <summary>The item's normal price, shown beside the sale price.</summary>
    public required decimal RegularPrice { get; init; }

    public required decimal SalePrice { get; init; }

    /// <summary>Units offered in the sale; never changes once the sale has started.</summary>
    public required int Quantity { get; init; }

    /// <summary>The most units one buyer may hold in this sale (at least 1).</summary>
    public required int PerBuyerLimit { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public required FlashSaleStatus Status { get; init; }

    /// <summary>Increases with every change of the sale (1 for the first announcement).</summary>
    public required long Version { get; init; }
}

public enum FlashSaleStatus
{
    /// <summary>The sale is on (before, during or after its window, as StartsAt/EndsAt say).</summary>
    Scheduled,

    /// <summary>The sale was called off: nothing more may be sold.</summary>
    Cancelled,
}
