using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Identity;

namespace Shop.Testing.Tokens;

/// <summary>An issued access token and when it stops working.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Access tokens as identity-api issues them (issuer, <c>sub</c>, <c>name</c>, <c>role</c>, every API's audience),
/// signed with a test key (HS256) that the tests' and the bench's compositions give the APIs as
/// <c>Identity:TestSigningKey</c>. The AppHost never sets that setting, so these tokens are worth nothing against a
/// deployed shop.
/// </summary>
public sealed class TestTokenIssuer(string base64Key, TimeProvider? time = null)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(
        new SymmetricSecurityKey(Convert.FromBase64String(base64Key)) { KeyId = "shop-test-key" }, SecurityAlgorithms.HmacSha256);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>A fresh random key, base64: what a composition passes as <c>Identity__TestSigningKey</c>.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Issuer { get; init; } = "http://identity-api/";

    public IReadOnlyList<string> Audiences { get; init; } = ShopAudiences.All;

    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(8);

    public IssuedToken Issue(string userId, string userName, IEnumerable<string> roles)
    {
        var now = _time.GetUtcNow();
        var expires = now + Lifetime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Sub] = userId,
            [JwtRegisteredClaimNames.Name] = userName,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            [ShopClaimTypes.Role] = roles.ToArray(),
            [JwtRegisteredClaimNames.Aud] = Audiences.ToArray(),
        };
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now.UtcDateTime,
            NotBefore = (Lifetime < TimeSpan.Zero ? now + Lifetime - TimeSpan.FromMinutes(1) : now).UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = _credentials,
        });
        return new IssuedToken(token, expires);
    }
}
