using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// The worker's consumer group on the gate's reservations stream (<see cref="GateKeys.Reservations"/>). Every worker
/// replica is one consumer of it; an entry leaves the group only when its orders are committed in the ledger
/// (settle.lua) or when it is parked (park.lua).
/// </summary>
public static class LedgerStream
{
    public const string Group = "ledger";

    /// <summary>The stream's name, as the readiness check and the batch's span report it.</summary>
    public static readonly string Name = GateKeys.Reservations.ToString();

    /// <summary>
    /// Stable per replica (the AppHost's <c>service.instance.id</c>), so a restarted worker reads the entries it had
    /// read and not yet settled first; another name only when there is none (then a dead consumer's entries are
    /// claimed after <c>ClaimAfter</c>).
    /// </summary>
    public static string ConsumerName(IConfiguration configuration)
    {
        var attributes = configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "";
        var instance = attributes.Split(',').Select(a => a.Split('=', 2)).FirstOrDefault(a => a.Length == 2 && a[0] == "service.instance.id")?[1];
        return instance ?? $"{Environment.MachineName}-{Environment.ProcessId}";
    }
}
