namespace Shop.Ordering.Core.Redis;

/// <summary>release.lua's reply: what giving an order's units back changed.</summary>
public enum ReleaseOutcome
{
    Released,

    /// <summary>Given back before (the sale's released set has the order); nothing changed.</summary>
    AlreadyReleased,

    /// <summary>The gate holds no such sale; its units are in the ledger, which the gate is armed from.</summary>
    NoStock,
}

/// <summary>restock.lua's reply.</summary>
public enum RestockOutcome
{
    /// <summary>The version is applied (now or before): <see cref="RestockReply.Delta"/> is the difference it made.</summary>
    Applied,

    /// <summary>A later version is applied already.</summary>
    Older,

    /// <summary>The gate holds no such stock.</summary>
    Missing,
}

/// <summary>restock.lua's reply: the outcome and, when applied, the units by which it moved the stock.</summary>
public readonly record struct RestockReply(RestockOutcome Outcome, int Delta = 0);
