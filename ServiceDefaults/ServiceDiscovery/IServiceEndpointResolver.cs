using System.Diagnostics.CodeAnalysis;

namespace Shop.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Turns a logical service address into real endpoints, for code that does not go through
/// <see cref="System.Net.Http.HttpClient"/> (gRPC channels, raw sockets, diagnostics pages).
/// </summary>
/// <remarks>
/// Addresses follow Aspire's convention: <c>http://catalog-api</c>, <c>https://catalog-api</c>,
/// <c>https+http://catalog-api</c> (https endpoints if there are any, else http) and
/// <c>http://_grpc.catalog-api</c> (the endpoint named "grpc"). A bare name means <c>https+http</c>.
/// Endpoints come from configuration <c>services:{service}:{endpoint}:{index}</c>
/// (environment <c>services__catalog-api__http__0</c>), one entry per replica.
/// </remarks>
public interface IServiceEndpointResolver
{
    /// <summary>Every configured endpoint of the address, in configuration order; empty when none is configured.</summary>
    IReadOnlyList<Uri> GetEndpoints(string serviceAddress);

    /// <summary>
    /// Picks the next endpoint (round-robin across all of them) and returns <paramref name="uri"/> with its
    /// scheme, host and port replaced. Returns <see langword="false"/> when the host is not a configured service,
    /// so real host names keep working unchanged. An unknown host with a combined scheme such as
    /// <c>https+http</c> gets the first scheme, since no transport understands the combined one.
    /// </summary>
    bool TryResolve(Uri uri, [NotNullWhen(true)] out Uri? resolved);
}
