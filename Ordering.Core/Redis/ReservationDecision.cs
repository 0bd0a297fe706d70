namespace Shop.Ordering.Core.Redis;

public enum ReservationOutcome
{
    Accepted,
    Repeat,
    SoldOut,
    OverLimit,
    NotStarted,
    Ended,
    Cancelled,
    UnknownSale,
    Restoring,

    /// <summary>The buyer holds as many open orders or units as one buyer may (<see cref="ReservationDecision.Cap"/>).</summary>
    OpenOrdersCap,

    /// <summary>The gate is over its soft memory limit: it takes no new reservation until it has room again.</summary>
    GateFull,
}

/// <summary>What reserve.lua decided. <see cref="Number"/> carries the figure that goes with the outcome.</summary>
/// <param name="OrderId">The reservation (accepted, or the first answer of a repeated key).</param>
/// <param name="Quantity">For a repeat: the quantity of the first request with that key.</param>
/// <param name="Number">Accepted: stock left; sold out: stock left; over limit: units the buyer may still take; not started: start (unix ms).</param>
/// <param name="Limit">Over limit: the per-buyer limit.</param>
/// <param name="Cap">Open-orders cap: what the buyer holds open and the caps.</param>
/// <param name="AcceptedKeys">Sold out with no unit left: how many keys the gate has accepted for the sale (the API's sold-out shortcut reads them once).</param>
public readonly record struct ReservationDecision(ReservationOutcome Outcome, Guid OrderId = default, int Quantity = 0, long Number = 0, long Limit = 0, long AcceptedKeys = 0, OpenOrdersCap? Cap = null);
