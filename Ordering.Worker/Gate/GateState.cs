using Shop.Ordering.Core.Redis;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Gate;

/// <summary>Whether the Redis gate holds real state: <c>ordering:alive</c> is set by the rebuild and lost with Redis's data.</summary>
public sealed class GateState(IConnectionMultiplexer redis)
{
    public Task<bool> IsAliveAsync() => redis.GetDatabase().KeyExistsAsync(GateKeys.Alive);
}
