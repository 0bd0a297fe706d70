using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.AppHost;

internal static partial class StoreReadyMessage
{
    /// <summary>
    /// Prints the store's address once the storefront is healthy (it waits for the APIs, which wait for the
    /// servers), under the dashboard's login URL that Aspire prints at start: the two addresses a developer needs.
    /// </summary>
    public static IResourceBuilder<ProjectResource> PrintsStoreAddressWhenReady(this IResourceBuilder<ProjectResource> storefront)
    {
        storefront.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(storefront.Resource, (@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.AppHost");
            LogStoreReady(logger, storefront.Resource.GetEndpoint("http").Url);
            return Task.CompletedTask;
        });
        return storefront;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shop is ready. The store: {StoreUrl}")]
    private static partial void LogStoreReady(ILogger logger, string storeUrl);
}
