namespace Shop.Web.Services;

/// <summary>
/// Typed client of <c>ordering-api</c>. Its base address <c>https+http://ordering-api</c> is resolved by service
/// discovery (https endpoints first, else http) and every call goes through the standard resilience handler.
/// Ordering calls are added with the ordering features.
/// </summary>
public sealed class OrderingApiClient(HttpClient httpClient)
{
    /// <summary>The base address of the logical service.</summary>
    public static readonly Uri BaseAddress = new("https+http://ordering-api");

    /// <summary>The configured client (base address, resilience, discovery).</summary>
    public HttpClient HttpClient { get; } = httpClient;
}
