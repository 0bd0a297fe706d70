using Microsoft.Extensions.Options;

namespace Shop.Catalog.Api.Stock;

/// <summary>
/// The catalog's view of Ordering's stock: options, the typed client, the snapshot, the consumer of Ordering's events
/// that keeps it current and the refresher that resyncs it over HTTP. Needs the app's RabbitMQ <c>IConnection</c>
/// (<c>AddRabbitMQClient("messaging")</c>, Program.cs).
/// </summary>
public static class OrderingStockRegistration
{
    public static IServiceCollection AddOrderingStock(this IServiceCollection services)
    {
        services.AddOptions<OrderingStockOptions>().BindConfiguration(OrderingStockOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        var client = services.AddHttpClient<OrderingStockClient>((provider, http) =>
        {
            http.BaseAddress = OrderingStockClient.BaseAddress;
            http.Timeout = provider.GetRequiredService<IOptions<OrderingStockOptions>>().Value.RequestTimeout;
        });
        // The standard resilience handler (ServiceDefaults) retries for up to 30 s; here the next read, RetryInterval
        // later, is the retry. Removing it is the documented way, still marked experimental (EXTEXP0001).
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddSingleton<ItemStockSnapshot>();
        services.AddHostedService<ItemStockEventsConsumer>();
        services.AddHostedService<ItemStockRefresher>();
        return services;
    }
}
