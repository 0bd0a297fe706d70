using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Shop.Basket.Api.Baskets;

/// <summary>
/// Baskets in Redis: one hash per buyer, <c>basket:{buyerId}</c>, item id → quantity, expiring
/// <see cref="BasketOptions.Retention"/> after its last change. The Redis is one that never evicts (see Program.cs).
/// </summary>
public sealed class BasketStore(IConnectionMultiplexer redis, IOptions<BasketOptions> options)
{
    // The line bound and the write in one step, so two concurrent adds cannot both take the last free line.
    private const string SetLineScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    private readonly long _retentionMs = (long)options.Value.Retention.TotalMilliseconds;
    private readonly int _maxLines = options.Value.MaxLines;

    public static RedisKey Key(string buyerId) => $"basket:{buyerId}";

    /// <summary>The buyer's lines (item id → quantity) in item id order; empty when there is no basket.</summary>
    public async Task<IReadOnlyList<(int ItemId, int Quantity)>> GetAsync(string buyerId)
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(Key(buyerId)).ConfigureAwait(false);
        return [.. entries
            .Select(e => (ItemId: int.Parse(e.Name.ToString(), NumberStyles.None, CultureInfo.InvariantCulture), Quantity: (int)e.Value))
            .OrderBy(line => line.ItemId)];
    }

    /// <summary>Sets a line's quantity; false when it would be a new line of a full basket.</summary>
    public async Task<bool> SetLineAsync(string buyerId, int itemId, int quantity)
    {
        var result = await redis.GetDatabase().ScriptEvaluateAsync(SetLineScript, [Key(buyerId)],
            [itemId, quantity, _maxLines, _retentionMs]).ConfigureAwait(false);
        return (int)result == 1;
    }

    /// <summary>Removes a line; false when the basket had no such line.</summary>
    public async Task<bool> RemoveLineAsync(string buyerId, int itemId)
    {
        var database = redis.GetDatabase();
        var removed = await database.HashDeleteAsync(Key(buyerId), itemId).ConfigureAwait(false);
        if (removed)
        {
            await database.KeyExpireAsync(Key(buyerId), options.Value.Retention).ConfigureAwait(false);
        }
        return removed;
    }

    public Task ClearAsync(string buyerId) => redis.GetDatabase().KeyDeleteAsync(Key(buyerId));
}
