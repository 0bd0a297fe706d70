using RabbitMQ.Client;
using Shop.EventBus;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using Shop.Ordering.Worker.Arming;
using Shop.Ordering.Worker.Events;
using Shop.Ordering.Worker.Gate;
using Shop.Ordering.Worker.Infrastructure;
using Shop.Ordering.Worker.Lifecycle;
using Shop.Ordering.Worker.Messaging;
using Shop.Ordering.Worker.Reconciliation;
using Shop.Ordering.Worker.Reservations;
using Shop.Ordering.Worker.Telemetry;

namespace Shop.Ordering.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>The worker's pieces and loops. Expects orderingdb (NpgsqlDataSource), messaging and gate to be registered.</summary>
    public static IServiceCollection AddOrderingWorker(this IServiceCollection services)
    {
        services.AddOptions<OrderingOptions>().BindConfiguration(OrderingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton<WorkerMetrics>();
        services.AddSingleton<ConsumerReadiness>();
        services.AddSingleton<GateWriteLock>();
        services.AddSingleton<GateMoves>();
        services.AddSingleton<GateClient>();
        services.AddSingleton<GateRebuilder>();
        services.AddSingleton<LedgerStreamReader>();
        services.AddSingleton<OrderBatchWriter>();
        services.AddSingleton<BatchProcessor>();
        services.AddSingleton<FlashSaleArmer>();
        services.AddSingleton<ItemStockArmer>();
        services.AddSingleton<OrderExpirer>();
        services.AddSingleton<ReleaseApplier>();
        services.AddSingleton<StockReconciler>();
        // One publisher-confirm channel, shared by the outbox and the stock figures. Not mandatory: Ordering's events
        // are for whoever subscribes; a subscriber declares and binds its queue at start (and Catalog resyncs its
        // figures besides), so a message no queue takes is dropped rather than kept.
        services.AddSingleton(provider => new EventPublisher(provider.GetRequiredService<IConnection>(),
            new EventPublisherSettings(AppId: "ordering-worker", Mandatory: false, WorkerMetrics.Tracing, SpanPrefix: "publish "),
            provider.GetRequiredService<ILogger<EventPublisher>>()));

        services.AddHealthChecks().AddCheck<ConsumerReadiness>(ConsumerReadiness.Name);

        // No schema step: the AppHost starts the worker only after the migrations resource completed, so every loop
        // starts at once on a migrated orderingdb.
        services.AddHostedService<CatalogEventsConsumer>();
        services.AddHostedService<ReservationBatchLoop>();
        services.AddHostedService<GateRebuildService>();
        services.AddHostedService<OrderExpiryService>();
        services.AddHostedService<ReleaseApplierService>();
        services.AddHostedService<ReconciliationService>();
        services.AddHostedService<StreamLagMonitor>();
        services.AddHostedService<GateMemoryMonitor>();
        services.AddHostedService<OutboxPublisher>();
        services.AddHostedService<ItemStockChangesPublisher>();
        return services;
    }
}
