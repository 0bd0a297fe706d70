using Microsoft.Extensions.Options;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;
using StackExchange.Redis;

namespace Shop.Ordering.Worker.Reservations;

/// <summary>
/// The single writer of orders: waits for reservations on the gate's stream (<see cref="LedgerStreamReader"/>), then,
/// under the <see cref="GateWriteLock"/>, reads the batch this consumer holds and processes it. Reading under the lock is
/// what keeps the rebuild (which holds it) from falling between the two: a batch read from a gate that then lost its
/// data holds reservations the ledger does not have yet, and a gate rebuilt without them would sell their units again.
/// </summary>
public sealed partial class ReservationBatchLoop(
    LedgerStreamReader reader,
    BatchProcessor processor,
    GateWriteLock gateWriteLock,
    ConsumerReadiness readiness,
    IOptions<WorkerOptions> options,
    ILogger<ReservationBatchLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = options.Value.RetryBackoff();
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                var holding = await reader.WaitForEntriesAsync(stoppingToken);
                readiness.Started(LedgerStream.Name);
                if (holding)
                {
                    using (await gateWriteLock.AcquireAsync(stoppingToken))
                    {
                        var batch = await reader.ReadHeldAsync();
                        if (batch.Count > 0)
                        {
                            await processor.ProcessAsync(batch, stoppingToken);
                        }
                    }
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The gate unreachable, or its data lost (NOGROUP: the group is created again). Nothing was settled:
                // whatever this consumer held is read again.
                if (e.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    reader.GroupLost();
                }
                LogReadFailed(logger, e.Message, failures + 1);
                await Task.Delay(backoff.Delay(failures++), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading reservations from the gate failed ({Reason}); retry {Attempt}")]
    private static partial void LogReadFailed(ILogger logger, string reason, int attempt);
}
