using System.Security.Claims;

namespace Shop.ServiceDefaults.Identity;

/// <summary>Who a request is for, read the one way every service reads it.</summary>
public static class ShopClaimsPrincipalExtensions
{
    /// <summary>
    /// The user's id, the token's subject (<c>sub</c>): the buyer of a buy, a checkout or an order, the owner of a basket.
    /// Only for endpoints that require <see cref="ShopRoles.UserPolicy"/>, which lets no token without a subject
    /// through; anywhere else a missing subject is a wiring mistake, not a client's, hence the exception.
    /// </summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ShopClaimTypes.UserId)
        ?? throw new InvalidOperationException($"A request without a subject claim reached an endpoint that reads it; the endpoint must require the '{ShopRoles.UserPolicy}' policy.");
}
