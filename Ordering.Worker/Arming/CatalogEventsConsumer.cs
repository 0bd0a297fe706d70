using System.Diagnostics;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Shop.EventBus;
using Shop.IntegrationEvents;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Messaging;
using Shop.Ordering.Worker.Telemetry;
using Shop.ServiceDefaults.Resilience;

namespace Shop.Ordering.Worker.Arming;

/// <summary>
/// Consumes Catalog's events (<c>ordering.catalog-events</c>) one at a time, in order, and arms sales from
/// FlashSaleChanged and items' stock from CatalogItemChanged. Each is applied under a span continuing the admin's
/// trace (the child of Catalog's publish span, so that an admin's change reads as one trace from the request through
/// the outbox and RabbitMQ to the ledger and the gate, the armer's Postgres and Redis spans under it); an event from an
/// untraced change (seeding) gets a root span of its own. Acknowledges after the ledger and the gate are both done.
/// An outage is retried until it ends (holding later events back, so versions apply in order); a malformed event, or
/// one the ledger refuses, goes to <c>ordering.catalog-events.dead</c>; an event type the worker does not handle is
/// acknowledged and ignored.
/// </summary>
public sealed partial class CatalogEventsConsumer(
    IConnection connection,
    ConsumerReadiness readiness,
    FlashSaleArmer armer,
    ItemStockArmer itemArmer,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<CatalogEventsConsumer> logger) : ConsumerService(connection, readiness, options.Value, logger)
{
    private Backoff Backoff => Options.RetryBackoff();

    protected override SubscriberQueue Queue => EventTopology.OrderingCatalogEvents;

    // Announcements are rare and handled one by one; a small window is plenty.
    protected override ushort Prefetch => 16;

    protected override async Task OnDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken cancellationToken)
    {
        var type = delivery.BasicProperties.Type ?? delivery.RoutingKey switch
        {
            EventTopology.FlashSaleChangedRoutingKey => EventTopology.FlashSaleChangedType,
            EventTopology.CatalogItemChangedRoutingKey => EventTopology.CatalogItemChangedType,
            _ => null,
        };
        using var activity = MessageTracing.StartConsume(WorkerMetrics.Tracing, "apply " + (type ?? "unknown event"), delivery, rootWhenUntraced: true);
        switch (type)
        {
            case EventTopology.FlashSaleChangedType:
                var (sale, saleProblem) = FlashSaleChangedParser.Parse(delivery.Body.Span);
                await ApplyAsync(channel, delivery, sale, saleProblem, sale?.SaleId.ToString(), sale?.Version ?? 0, async () =>
                {
                    var (ledger, armed) = await armer.ArmAsync(sale!, cancellationToken);
                    LogArmed(Logger, sale!.SaleId, sale.Version, sale.Status, sale.Quantity, ledger, armed);
                }, cancellationToken);
                return;
            case EventTopology.CatalogItemChangedType:
                var (item, itemProblem) = CatalogItemChangedParser.Parse(delivery.Body.Span);
                await ApplyAsync(channel, delivery, item, itemProblem, $"item {item?.ItemId}", item?.Version ?? 0, async () =>
                {
                    var ledger = await itemArmer.ArmAsync(item!, cancellationToken);
                    LogItemArmed(Logger, item!.ItemId, item.Version, item.Stock, item.StockVersion, item.Deleted, ledger);
                }, cancellationToken);
                return;
            default:
                LogIgnored(Logger, type, delivery.RoutingKey, delivery.BasicProperties.MessageId);
                await Settlement.AckAsync(channel, delivery.DeliveryTag, Logger);
                return;
        }
    }

    /// <summary>Applies one parsed event: acknowledged once done, retried through outages, dead-lettered when refused, malformed or failing.</summary>
    private async Task ApplyAsync(IChannel channel, BasicDeliverEventArgs delivery, object? parsed, string? problem, string? subject, long version,
        Func<Task> apply, CancellationToken cancellationToken)
    {
        if (parsed is null)
        {
            LogMalformed(Logger, delivery.BasicProperties.MessageId, problem);
            await DeadLetterAsync(channel, delivery.DeliveryTag, "poison");
            return;
        }
        for (int failures = 0, outages = 0; ;)
        {
            try
            {
                await apply();
                await Settlement.AckAsync(channel, delivery.DeliveryTag, Logger);
                return;
            }
            catch (ArmingRefusedException e)
            {
                LogRefused(Logger, e.Message);
                await DeadLetterAsync(channel, delivery.DeliveryTag, "refused");
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && (e is GateNotReadyException || Failures.IsTransient(e)))
            {
                LogOutage(Logger, subject, e.Message, outages + 1);
                await Task.Delay(Backoff.Delay(outages++), cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (++failures >= Options.MessageAttempts)
                {
                    LogFailed(Logger, e, subject, version, failures);
                    await DeadLetterAsync(channel, delivery.DeliveryTag, "failed");
                    return;
                }
                await Task.Delay(Backoff.Delay(failures - 1), cancellationToken);
            }
        }
    }

    private async Task DeadLetterAsync(IChannel channel, ulong deliveryTag, string reason)
    {
        // The event's span shows in the trace that it was not applied.
        Activity.Current?.SetStatus(ActivityStatusCode.Error, "dead-lettered: " + reason);
        if (await Settlement.DeadLetterAsync(channel, deliveryTag, Logger))
        {
            metrics.DeadLettered(Queue.Name, reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sale {SaleId} v{Version} ({Status}, {Quantity} units): ledger {Ledger}, gate armed: {GateArmed}")]
    private static partial void LogArmed(ILogger logger, Guid saleId, long version, FlashSaleStatus status, int quantity, LedgerChange ledger, bool gateArmed);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Item {ItemId} v{Version} (stock {Stock} at v{StockVersion}, deleted: {Deleted}): ledger {Ledger}")]
    private static partial void LogItemArmed(ILogger logger, int itemId, long version, int stock, long stockVersion, bool deleted, LedgerChange ledger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignored a catalog event of type {Type} (routing key {RoutingKey}, id {MessageId})")]
    private static partial void LogIgnored(ILogger logger, string? type, string routingKey, string? messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog event {MessageId} is malformed ({Problem}): dead-lettered")]
    private static partial void LogMalformed(ILogger logger, string? messageId, string? problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Catalog change refused and dead-lettered: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Arming {Subject} waits for an outage to end ({Reason}); retry {Attempt}")]
    private static partial void LogOutage(ILogger logger, string? subject, string reason, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming {Subject} v{Version} failed {Attempts} times: dead-lettered")]
    private static partial void LogFailed(ILogger logger, Exception exception, string? subject, long version, int attempts);
}
