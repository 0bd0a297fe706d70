using System.Collections.Concurrent;

namespace Shop.Ordering.Worker.Gate;

/// <summary>
/// What the reconciler needs to know of the worker's own moves between the ledger and the gate, so that it can
/// measure without the <see cref="GateWriteLock"/> (a measurement must never hold up the batch writer):
/// <list type="bullet">
/// <item><see cref="Sequence"/> is odd while a move is half done — from just before a commit that the gate must then
///   learn of, to the end of the gate's step (a batch's commit and its settle.lua, a release and its mark, an arming).
///   The moves happen under the <see cref="GateWriteLock"/>, one at a time, so a measurement taken while the sequence
///   stayed even and unchanged saw no move half done (a sequence lock: the writers never wait for it).</item>
/// <item><see cref="UnsettledUnits"/>: units of batches committed whose settlement failed (the gate unreachable), per
///   stock, until a later batch settles them: sold in the ledger, still "pending" in the gate.</item>
/// </list>
/// </summary>
public sealed class GateMoves
{
    private readonly ConcurrentDictionary<string, (Guid StockId, int Units)[]> _unsettled = new();
    private long _sequence;

    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>Starts a move; disposing the result ends it.</summary>
    public Move Begin()
    {
        Interlocked.Increment(ref _sequence);
        return new Move(this);
    }

    /// <summary>Entries committed whose settlement failed: their units stay "pending" in the gate until settled.</summary>
    public void SettleFailed(IEnumerable<(string EntryId, (Guid StockId, int Units)[] Units)> entries)
    {
        foreach (var (entryId, units) in entries)
        {
            _unsettled[entryId] = units;
        }
    }

    public void Settled(IEnumerable<string> entryIds)
    {
        foreach (var entryId in entryIds)
        {
            _unsettled.TryRemove(entryId, out _);
        }
    }

    public long UnsettledUnits(Guid stockId) =>
        _unsettled.Values.Sum(units => units.Where(u => u.StockId == stockId).Sum(u => (long)u.Units));

    /// <summary>Ends its move when disposed.</summary>
    public readonly struct Move(GateMoves moves) : IDisposable
    {
        public void Dispose() => Interlocked.Increment(ref moves._sequence);
    }
}
