namespace Shop.Ordering.Worker.Arming;

/// <summary>
/// The gate has lost its data and waits for the rebuild. An item's new stock is applied gate first (only the gate
/// knows the units still on their way to the ledger), so its event waits, like an outage, until the gate is back.
/// </summary>
public sealed class GateNotReadyException() : Exception("The gate is being rebuilt; the item's stock is applied once it is back.");
