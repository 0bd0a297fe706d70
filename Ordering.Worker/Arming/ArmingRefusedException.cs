namespace Shop.Ordering.Worker.Arming;

/// <summary>A sale change the ledger cannot take (its new quantity is below what is already sold): never applied.</summary>
public sealed class ArmingRefusedException(string message) : Exception(message);
