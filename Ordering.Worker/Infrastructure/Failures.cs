using System.Net.Sockets;
using Npgsql;
using RabbitMQ.Client.Exceptions;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Infrastructure;

/// <summary>
/// Tells an outage (a dependency unreachable, a deadlock, a serialization failure: retrying the same work later
/// will succeed) from a failure of the work itself (a constraint, a refused ledger update: retrying will not
/// help). Only the latter count towards dead-lettering: a database outage must never send orders to the
/// dead-letter queue.
/// </summary>
public static class Failures
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        // Covers broken connections, timeouts, "too many connections", admin shutdown, deadlocks (40P01) and
        // serialization failures (40001).
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        RedisConnectionException or RedisTimeoutException => true,
        AlreadyClosedException or OperationInterruptedException or BrokerUnreachableException => true,
        TimeoutException or SocketException or IOException => true,
        // NpgsqlDataSource throws this when its pool cannot hand out a connection in time.
        InvalidOperationException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
