namespace Shop.Web.Services;

/// <summary>
/// Typed client of <c>catalog-api</c>. Its base address <c>https+http://catalog-api</c> is resolved by service
/// discovery (https endpoints first, else http) and every call goes through the standard resilience handler.
/// Catalog calls are added with the catalog features.
/// </summary>
public sealed class CatalogApiClient(HttpClient httpClient)
{
    /// <summary>The base address of the logical service.</summary>
    public static readonly Uri BaseAddress = new("https+http://catalog-api");

    /// <summary>The configured client (base address, resilience, discovery).</summary>
    public HttpClient HttpClient { get; } = httpClient;
}
