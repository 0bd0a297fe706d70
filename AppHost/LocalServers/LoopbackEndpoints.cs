namespace Shop.AppHost.LocalServers;

internal static class LoopbackEndpoints
{
    /// <summary>
    /// A TCP endpoint on 127.0.0.1 whose port DCP picks and the server binds itself: no proxy in between, so
    /// the gate's Redis round trip stays one hop, and nothing listens beyond loopback.
    /// </summary>
    public static IResourceBuilder<T> WithLoopbackEndpoint<T>(this IResourceBuilder<T> builder, string name, string scheme = "tcp")
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(name: name, scheme: scheme, isProxied: false)
            .WithEndpoint(name, endpoint => endpoint.TargetHost = "127.0.0.1");
}
