using System.Text.Json;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>The CatalogItemChanged rows of catalogdb's outbox, read as Ordering would receive them.</summary>
public static class ItemOutbox
{
    public sealed record Row(Guid Id, CatalogItemChanged Event, DateTimeOffset? SentAt);

    /// <summary>Every announcement of <paramref name="itemId"/>, oldest version first.</summary>
    public static async Task<List<Row>> RowsAsync(this CatalogAppFixture fixture, int itemId)
    {
        await using var command = fixture.Database.CreateCommand("""
            SELECT id, payload, sent_at FROM outbox_messages
            WHERE type = 'CatalogItemChanged' AND routing_key = 'catalog.item.changed' AND (payload::jsonb ->> 'itemId')::int = $1
            ORDER BY (payload::jsonb ->> 'version')::bigint, occurred_at
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = itemId });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var @event = JsonSerializer.Deserialize(reader.GetString(1), IntegrationEventsJsonContext.Default.CatalogItemChanged)!;
            rows.Add(new Row(reader.GetGuid(0), @event, reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }
        return rows;
    }
}
