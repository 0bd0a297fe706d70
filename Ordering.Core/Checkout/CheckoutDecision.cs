namespace Shop.Ordering.Core.Checkout;

public enum CheckoutOutcome
{
    Accepted,

    /// <summary>The key was used before: <see cref="CheckoutDecision.OrderId"/> and the fingerprint of its lines.</summary>
    Repeat,

    /// <summary>At least one line cannot be reserved; nothing was.</summary>
    Refused,

    Restoring,

    /// <summary>The buyer holds as many open orders or units as one buyer may (<see cref="CheckoutDecision.Cap"/>); nothing was reserved.</summary>
    OpenOrdersCap,

    /// <summary>The gate is over its soft memory limit: nothing was reserved.</summary>
    GateFull,
}

/// <summary>What checkout.lua decided.</summary>
public sealed record CheckoutDecision(CheckoutOutcome Outcome, Guid OrderId = default, string Fingerprint = "", IReadOnlyList<RefusedLine>? Refused = null,
    Redis.OpenOrdersCap? Cap = null);
