using System.Text;
using Shop.Catalog.Api.Stock;

namespace Shop.Catalog.Tests;

/// <summary>What the catalog takes from Ordering's ItemStocksChanged, and what it dead-letters instead.</summary>
public sealed class ItemStocksChangedParserTests
{
    private const string Valid = """
        {"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00+00:00","items":[{"itemId":7,"available":3},{"itemId":8,"available":0}]}
        """;

    private static (bool Parsed, string? Problem) Parse(string json)
    {
        var (change, problem) = ItemStocksChangedParser.Parse(Encoding.UTF8.GetBytes(json));
        return (change is not null, problem);
    }

    [Fact]
    public void A_valid_event_is_read_as_ordering_wrote_it()
    {
        var (change, problem) = ItemStocksChangedParser.Parse(Encoding.UTF8.GetBytes(Valid));

        Assert.Null(problem);
        Assert.Equal(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), change!.EventId);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), change.OccurredAt);
        Assert.Equal([new(7, 3), new(8, 0)], change.Items);
        Assert.Equal((true, null), Parse("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z","items":[]}"""));
    }

    [Theory]
    [InlineData("{not json", "not an ItemStocksChanged")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","items":[{"itemId":7,"available":3}]}""", "no occurredAt")]
    [InlineData("""{"occurredAt":"2026-12-01T12:00:00Z","items":[{"itemId":7,"available":3}]}""", "no eventId")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z"}""", "no items")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z","items":null}""", "no items")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z","items":[{"itemId":7}]}""", "without itemId or available")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z","items":[null]}""", "without itemId or available")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"2026-12-01T12:00:00Z","items":[{"itemId":-7,"available":3}]}""", "itemId must be positive")]
    [InlineData("""{"eventId":"0f8fad5b-d9cb-469f-a165-70867728950e","occurredAt":"yesterday","items":[{"itemId":7,"available":3}]}""", "not an ItemStocksChanged")]
    [InlineData("""{"eventId":"00000000-0000-0000-0000-000000000000","occurredAt":"2026-12-01T12:00:00Z","items":[{"itemId":7,"available":3}]}""", "no eventId")]
    public void A_message_that_is_not_a_valid_event_is_refused_with_its_reason(string json, string reason)
    {
        var (parsed, problem) = Parse(json);

        Assert.False(parsed);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
