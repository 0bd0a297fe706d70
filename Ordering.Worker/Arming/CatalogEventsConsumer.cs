using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Messaging;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker.Arming;

/// <summary>
/// Consumes Catalog's events (<c>ordering.catalog-events</c>) one at a time, in order, and arms sales from
/// FlashSaleChanged. Acknowledges after the ledger and the gate are both done. An outage is retried until it ends
/// (holding later events back, so versions apply in order); a malformed event, or one the ledger refuses, goes to
/// <c>ordering.catalog-events.dead</c>; an event type the worker does not handle is acknowledged and ignored.
/// </summary>
public sealed partial class CatalogEventsConsumer(
    IConnection connection,
    StartupGate gate,
    ConsumerReadiness readiness,
    FlashSaleArmer armer,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<CatalogEventsConsumer> logger) : ConsumerService(connection, gate, readiness, options.Value, logger)
{
    

    private Backoff Backoff => new(Options.RetryBaseDelay, Options.RetryMaxDelay);

    protected override string QueueName => OrderingTopology.CatalogEventsQueue;

    // Announcements are rare and handled one by one; a small window is plenty.
    protected override ushort Prefetch => 16;

    protected override Task DeclareTopologyAsync(IChannel channel, CancellationToken cancellationToken) =>
        CatalogEventsTopology.DeclareAsync(channel, cancellationToken);

    protected override async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var type = delivery.BasicProperties.Type
            ?? (delivery.RoutingKey == EventTopology.FlashSaleChangedRoutingKey ? EventTopology.FlashSaleChangedType : null);
        if (type != EventTopology.FlashSaleChangedType)
        {
            LogIgnored(Logger, type, delivery.RoutingKey, delivery.BasicProperties.MessageId);
            await Settlement.AckAsync(channel, delivery.DeliveryTag, multiple: false, Logger);
            return;
        }

        var (change, problem) = FlashSaleChangedParser.Parse(delivery.Body.Span);
        if (change is null)
        {
            LogMalformed(Logger, delivery.BasicProperties.MessageId, problem);
            await DeadLetterAsync(channel, delivery.DeliveryTag, "poison");
            return;
        }

        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                var (ledger, armed) = await armer.ArmAsync(change, cancellationToken);
                LogArmed(Logger, change.SaleId, change.Version, change.Status, change.Quantity, ledger, armed);
                await Settlement.AckAsync(channel, delivery.DeliveryTag, multiple: false, Logger);
                return;
            }
            catch (ArmingRefusedException e)
            {
                LogRefused(Logger, e.Message);
                await DeadLetterAsync(channel, delivery.DeliveryTag, "refused");
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Failures.IsTransient(e))
            {
                LogOutage(Logger, change.SaleId, e.Message, outages + 1);
                await Task.Delay(Backoff.Delay(outages++), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (++failures >= Options.MessageAttempts)
                {
                    LogFailed(Logger, e, change.SaleId, change.Version, failures);
                    await DeadLetterAsync(channel, delivery.DeliveryTag, "failed");
                    return;
                }
                await Task.Delay(Backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task DeadLetterAsync(IChannel channel, ulong deliveryTag, string reason)
    {
        if (await Settlement.DeadLetterAsync(channel, deliveryTag, Logger))
        {
            metrics.DeadLettered(OrderingTopology.CatalogEventsQueue, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sale {SaleId} v{Version} ({Status}, {Quantity} units): ledger {Ledger}, gate armed: {GateArmed}")]
    private static partial void LogArmed(ILogger logger, Guid saleId, long version, FlashSaleStatus status, int quantity, LedgerChange ledger, bool gateArmed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a catalog event of type {Type} (routing key {RoutingKey}, id {MessageId})")]
    private static partial void LogIgnored(ILogger logger, string? type, string routingKey, string? messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog event {MessageId} is malformed ({Problem}): dead-lettered")]
    private static partial void LogMalformed(ILogger logger, string? messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sale change refused and dead-lettered: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Arming sale {SaleId} waits for an outage to end ({Reason}); retry {Attempt}")]
    private static partial void LogOutage(ILogger logger, Guid saleId, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming sale {SaleId} v{Version} failed {Attempts} times: dead-lettered")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid saleId, long version, int attempts);
}
