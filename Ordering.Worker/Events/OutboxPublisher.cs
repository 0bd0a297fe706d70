using Microsoft.Extensions.Options;
using Npgsql;
using Shop.EventBus;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Telemetry;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Ordering.Worker.Events;

/// <summary>
/// Publishes orderingdb's outbox (migration 0005: the order status events written by the batch writer, the expirer
/// and the API's pay and cancel): each round claims the due rows (<c>FOR UPDATE SKIP LOCKED</c>, so two workers never
/// publish the same row at once), publishes them, and in the same transaction deletes the rows the broker confirmed
/// and pushes the others back (exponential back-off). A worker that dies mid-round leaves its rows to the next one:
/// at least once, never lost; subscribers drop repeats by event id.
/// </summary>
public sealed partial class OutboxPublisher(
    NpgsqlDataSource dataSource,
    EventPublisher publisher,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<OutboxPublisher> logger) : PeriodicService(logger)
{
    private const string ClaimSql = """
        SELECT id, type, routing_key, payload, trace_parent, occurred_at, attempts FROM outbox_messages
        WHERE next_attempt_at <= now()
        ORDER BY next_attempt_at
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    private const string DeleteSql = "DELETE FROM outbox_messages WHERE id = ANY(@ids)";

    private const string RetryLaterSql = """
        UPDATE outbox_messages SET attempts = attempts + 1, next_attempt_at = now() + @delay, last_error = @error WHERE id = @id
        """;

    private readonly Backoff _backoff = options.Value.RetryBackoff();

    protected override TimeSpan Interval => options.Value.EventsInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // A full round means more may be due (a backlog after a broker outage): keep going until it is drained.
        while (await PublishDueAsync(cancellationToken) == options.Value.EventsBatchSize)
        {
        }
    }

    /// <returns>How many rows the round claimed.</returns>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<(OutgoingEvent Event, int Attempts)>();
        await using (var claim = new NpgsqlCommand(ClaimSql, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<int>("limit", options.Value.EventsBatchSize));
            await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((new OutgoingEvent(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)), reader.GetInt32(6)));
            }
        }
        if (due.Count == 0)
        {
            return 0;
        }

        var publishes = await publisher.PublishAllAsync([.. due.Select(d => d.Event)], cancellationToken);
        await using var outcome = new NpgsqlBatch(connection, transaction);
        var published = due.Where((_, i) => publishes[i].IsCompletedSuccessfully).Select(d => d.Event.Id).ToArray();
        if (published.Length > 0)
        {
            outcome.BatchCommands.Add(new NpgsqlBatchCommand(DeleteSql) { Parameters = { new NpgsqlParameter<Guid[]>("ids", published) } });
        }
        for (var i = 0; i < due.Count; i++)
        {
            if (publishes[i].IsCompletedSuccessfully)
            {
                continue;
            }
            var (@event, attempts) = due[i];
            var error = publishes[i].Exception?.GetBaseException().Message ?? "cancelled";
            var delay = _backoff.Delay(attempts);
            outcome.BatchCommands.Add(new NpgsqlBatchCommand(RetryLaterSql)
            {
                Parameters =
                {
                    new NpgsqlParameter<Guid>("id", @event.Id),
                    new NpgsqlParameter<TimeSpan>("delay", delay),
                    new NpgsqlParameter<string>("error", error),
                },
            });
            if (attempts == 0 || attempts % 10 == 0)
            {
                LogNotPublished(logger, @event.Type, @event.Id, attempts + 1, delay, error);
            }
        }
        await outcome.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        metrics.EventsPublished(published.Length, due.Count - published.Length);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Type} {EventId} not published (attempt {Attempt}; next in {Delay}): {Reason}")]
    private static partial void LogNotPublished(ILogger logger, string type, Guid eventId, int attempt, TimeSpan delay, string reason);
}
