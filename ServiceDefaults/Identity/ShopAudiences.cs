namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Who an access token is meant for: its <c>aud</c> holds the resource names of the APIs it may call, and each API
/// accepts only tokens that name it (<see cref="AuthenticationExtensions.AddDefaultAuthentication"/>). A client asks
/// identity-api for an API by the API's scope; the scope grants the audience of the same API.
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

    /// <summary>Every API's audience: what a storefront session's token is meant for.</summary>
    public static IReadOnlyList<string> All { get; } = [CatalogApi, BasketApi, OrderingApi];
}
