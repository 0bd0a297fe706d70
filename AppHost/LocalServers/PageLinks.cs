namespace Shop.AppHost.LocalServers;

internal static class PageLinks
{
    /// <summary>Links to pages of a server's web endpoint, shown with the resource on the dashboard.</summary>
    public static IResourceBuilder<T> WithPageLinks<T>(this IResourceBuilder<T> builder, EndpointReference endpoint, params (string Path, string Text)[] pages)
        where T : IResourceWithEndpoints =>
        builder.WithUrls(context =>
        {
            foreach (var (path, text) in pages)
            {
                context.Urls.Add(new ResourceUrlAnnotation { Url = endpoint.Url + path, DisplayText = text, Endpoint = endpoint });
            }
        });
}
