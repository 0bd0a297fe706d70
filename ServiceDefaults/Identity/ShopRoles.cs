namespace Shop.ServiceDefaults.Identity;

/// <summary>The roles carried in the token's <c>role</c> claim, and the authorization policy names.</summary>
public static class ShopRoles
{
    public const string Admin = "admin";

    public const string Shopper = "shopper";

    /// <summary>Policy: an authenticated caller in the admin role.</summary>
    public const string AdminPolicy = "admin";
}
