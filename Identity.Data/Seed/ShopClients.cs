namespace Shop.Identity.Data.Seed;

/// <summary>The OAuth clients identity-api knows (registered by <see cref="IdentitySeeder"/>).</summary>
public static class ShopClients
{
    /// <summary>The storefront: confidential (a secret), password and refresh-token grants, revocation. Its sessions' client address is trusted.</summary>
    public const string Storefront = "storefront";

    /// <summary>Scripts, tests and the README's curl: public (no secret), password grant only, access tokens only.</summary>
    public const string Cli = "shop-cli";
}
