namespace Shop.ServiceDefaults.Identity;

/// <summary>The roles carried in the token's <c>role</c> claim, and the authorization policy names.</summary>
public static class ShopRoles
{
    public const string Admin = "admin";

    public const string Shopper = "shopper";

    /// <summary>Policy: an authenticated caller in the admin role.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>
    /// Policy: an authenticated caller whose token names the user (<c>sub</c>): every endpoint that acts on a user's own
    /// orders or basket, which reads it with <see cref="ShopClaimsPrincipalExtensions.UserId"/>. A token without one is
    /// answered 403.
    /// </summary>
    public const string UserPolicy = "user";
}
