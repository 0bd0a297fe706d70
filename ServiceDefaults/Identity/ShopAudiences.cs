namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Who an access token is meant for: its <c>aud</c> holds the resource name of the one API it may call, and each API
/// accepts only tokens that name it (<see cref="AuthenticationExtensions.AddDefaultAuthentication"/>), signed with its
/// own key. A client is granted APIs by their scopes; a request that grants several names the one its access token is
/// for with <c>resource</c> (RFC 8707, <see cref="ResourceOf"/>), and gets tokens for the others with its refresh token.
/// </summary>
public static class ShopAudiences
{
    public const string CatalogApi = "catalog-api";
    public const string BasketApi = "basket-api";
    public const string OrderingApi = "ordering-api";

    public const string CatalogScope = "catalog";
    public const string BasketScope = "basket";
    public const string OrderingScope = "ordering";

    /// <summary>Each API's scope and the audience it grants.</summary>
    public static IReadOnlyDictionary<string, string> ByScope { get; } = new Dictionary<string, string>
    {
        [CatalogScope] = CatalogApi,
        [BasketScope] = BasketApi,
        [OrderingScope] = OrderingApi,
    };

    /// <summary>Every API's audience: a storefront session holds an access token for each.</summary>
    public static IReadOnlyList<string> All { get; } = [CatalogApi, BasketApi, OrderingApi];

    /// <summary>The scope that grants <paramref name="audience"/>.</summary>
    public static string ScopeOf(string audience) => ByScope.Single(pair => pair.Value == audience).Key;

    /// <summary>
    /// The resource indicator (RFC 8707: an absolute URI) a token request names to get an access token for
    /// <paramref name="audience"/>: <c>urn:shop:ordering-api</c> and the like.
    /// </summary>
    public static string ResourceOf(string audience) => ResourcePrefix + audience;

    /// <summary>Each API's resource indicator and its audience.</summary>
    public static IReadOnlyDictionary<string, string> ByResource { get; } = All.ToDictionary(ResourceOf);

    private const string ResourcePrefix = "urn:shop:";
}
