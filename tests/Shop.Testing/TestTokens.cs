using Shop.ServiceDefaults.Identity;
using Shop.Testing.Tokens;

namespace Shop.Testing;

/// <summary>
/// Access tokens shaped like identity-api's, signed with the running app's test key (<see cref="ShopApp.SigningKey"/>):
/// a test acts as any buyer or admin without a sign-in round trip per user.
/// </summary>
public sealed class TestTokens(string signingKey)
{
    private readonly TestTokenIssuer _issuer = new(signingKey);

    /// <summary>A token for <paramref name="userId"/> (also its name) with the given roles, a shopper's when none are given.</summary>
    public string For(string userId, params string[] roles) =>
        _issuer.Issue(userId, userId, roles.Length > 0 ? roles : [ShopRoles.Shopper]).AccessToken;
}
