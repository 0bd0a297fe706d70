using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>An issued access token and when it stops working.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Signs access tokens (HS256) for a user: <c>sub</c> is the user id, <c>name</c> the user name, one <c>role</c>
/// claim per role. The sign-in endpoint, the storefront and the load generator's token tool use it.
/// </summary>
public sealed class ShopTokenIssuer(IOptions<ShopTokenOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public IssuedToken Issue(string userId, string userName, IEnumerable<string> roles)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var expires = now + settings.TokenLifetime;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, userId),
            new(JwtRegisteredClaimNames.Name, userName),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        claims.AddRange(roles.Select(role => new Claim(ShopClaimTypes.Role, role)));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = new SigningCredentials(ShopTokenKeys.Create(settings.SigningKey), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires);
    }
}

/// <summary>Claim types as they appear in Shop's tokens (short JWT names, no mapping to long URIs).</summary>
public static class ShopClaimTypes
{
    public const string UserId = JwtRegisteredClaimNames.Sub;

    public const string Name = JwtRegisteredClaimNames.Name;

    public const string Role = "role";
}
