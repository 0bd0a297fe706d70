using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Shop.Testing;

/// <summary>
/// Access tokens minted the way Shop's sign-in mints them (<see cref="ShopTokenIssuer"/>), with the running app's
/// signing key: a test acts as any buyer or admin without a sign-in round trip per user.
/// </summary>
public sealed class TestTokens(string signingKey)
{
    private readonly ShopTokenIssuer _issuer = new(Options.Create(new ShopTokenOptions { SigningKey = signingKey }), TimeProvider.System);

    /// <summary>A token for <paramref name="userId"/> (also its name) with the given roles, a shopper's when none are given.</summary>
    public string For(string userId, params string[] roles) =>
        _issuer.Issue(userId, userId, roles.Length > 0 ? roles : [ShopRoles.Shopper]).AccessToken;
}
