using Microsoft.Extensions.Options;

namespace Shop.Catalog.Api.Stock;

/// <summary>The catalog's view of Ordering's stock: options, the typed client, the snapshot and its refresher.</summary>
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
        // The standard resilience handler (ServiceDefaults) retries for up to 30 s; here the next round, a second
        // later, is the retry. Removing it is the documented way, still marked experimental (EXTEXP0001).
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        services.AddSingleton<ItemStockSnapshot>();
        services.AddHostedService<ItemStockRefresher>();
        return services;
    }
}
