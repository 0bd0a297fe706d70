using Shop.Ordering.Worker.Reservations;
using StackExchange.Redis;

namespace Shop.Ordering.UnitTests;

/// <summary>
/// The worker's blocking stream read goes raw (the library has no blocking read) and only counts what it delivered:
/// nothing, or entries in either shape Redis answers in, RESP2's array of [stream, entries] or RESP3's map.
/// </summary>
public sealed class StreamReadReplyTests
{
    private static RedisResult Entries(int count) =>
        RedisResult.Create([.. Enumerable.Range(0, count).Select(i => RedisResult.Create([RedisResult.Create((RedisValue)$"{i}-0"), RedisResult.Create(Array.Empty<RedisResult>())]))]);

    [Fact]
    public void Nothing_delivered_is_a_null_reply()
    {
        Assert.Equal(0, LedgerStreamReader.Delivered(RedisResult.Create(RedisValue.Null)));
    }

    [Fact]
    public void A_resp2_reply_is_an_array_of_stream_and_entries()
    {
        var reply = RedisResult.Create([RedisResult.Create([RedisResult.Create((RedisValue)"ordering:reservations"), Entries(3)])]);

        Assert.Equal(3, LedgerStreamReader.Delivered(reply));
    }

    [Fact]
    public void A_resp3_reply_is_a_map_of_stream_to_entries()
    {
        var reply = RedisResult.Create([RedisResult.Create((RedisValue)"ordering:reservations"), Entries(2)], ResultType.Map);

        Assert.Equal(2, LedgerStreamReader.Delivered(reply));
    }
}
