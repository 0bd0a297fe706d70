using Microsoft.Extensions.Options;
using Npgsql;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Reservations;

namespace Shop.Ordering.Worker.Lifecycle;

/// <summary>
/// Confirms to the gate the orders that are durable but whose confirmation failed (Redis was unreachable when
/// their batch committed, or the worker died in between). Only orders a few seconds old: younger ones are the
/// batch loop's. Skipped while <c>ordering:alive</c> is absent: the rebuild marks every order as known to the gate.
/// </summary>
public sealed class GateConfirmerService(
    NpgsqlDataSource dataSource,
    GateConfirmations confirmations,
    GateClient gateClient,
    GateLock gateLock,
    StartupGate gate,
    IOptions<WorkerOptions> options,
    ILogger<GateConfirmerService> logger) : PeriodicService(gate, logger)
{
    private const string UnconfirmedSql = """
        SELECT order_id, sale_id, buyer_id, quantity FROM orders
        WHERE NOT gate_confirmed AND confirmed_at < now() - @age
        ORDER BY confirmed_at LIMIT 1000
        """;

    protected override TimeSpan Interval => options.Value.GateConfirmInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // Checked before taking the lock, so an idle poll never pauses the batch loop.
        if ((await UnconfirmedAsync(cancellationToken)).Count == 0)
        {
            return;
        }
        using var held = await gateLock.AcquireAsync(cancellationToken);
        // Again under the lock: the batch loop may have confirmed them in between.
        var orders = await UnconfirmedAsync(cancellationToken);
        if (orders.Count > 0 && await gateClient.IsAliveAsync())
        {
            await confirmations.ConfirmAsync(orders, cancellationToken);
        }
    }

    private async Task<List<PersistedOrder>> UnconfirmedAsync(CancellationToken cancellationToken)
    {
        var orders = new List<PersistedOrder>();
        await using var command = dataSource.CreateCommand(UnconfirmedSql);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan>("age", NpgsqlTypes.NpgsqlDbType.Interval) { TypedValue = options.Value.GateConfirmMinAge });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            orders.Add(new PersistedOrder(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt32(3)));
        }
        return orders;
    }
}
