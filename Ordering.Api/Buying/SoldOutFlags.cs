using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Shop.Ordering.Api.Buying;

/// <summary>
/// Remembers, per sale and for a short while, that the gate said "sold out", so the storm of buyers who come
/// after the last unit is answered in-process and never reaches Redis. The memory is short because units can
/// come back (an order expires or is cancelled).
/// </summary>
public sealed class SoldOutFlags(IOptions<BuyingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, long> _until = new();
    private readonly long _memoryTicks = options.Value.SoldOutMemory.Ticks;

    public bool IsSoldOut(Guid saleId) =>
        _until.TryGetValue(saleId, out var until) && time.GetUtcNow().UtcTicks < until;

    public void MarkSoldOut(Guid saleId) => _until[saleId] = time.GetUtcNow().UtcTicks + _memoryTicks;
}
