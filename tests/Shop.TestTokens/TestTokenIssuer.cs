using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Identity;

namespace Shop.Testing.Tokens;

/// <summary>An issued access token and when it stops working.</summary>
public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>
/// Access tokens like identity-api's (issuer, <c>sub</c>, <c>name</c>, <c>role</c>; for every API's audience unless
/// <see cref="Audiences"/> narrows it, which identity-api's never are: it signs one per API),
/// signed with a test key that the tests' and the bench's compositions give the APIs as <c>Identity:TestSigningKey</c>
/// (<see cref="ServiceSetting"/>). The AppHost never sets that setting, so these tokens are worth nothing against a
/// deployed shop. The key is HS256 (a secret string, <see cref="NewKey"/>: what identity-api signs each API's tokens
/// with) or RS256 (an RSA private key's PEM, <see cref="NewRsaKey"/>: for measuring what asymmetric tokens cost per buy).
/// Not thread-safe with an RSA key: one issuer per thread.
/// </summary>
public sealed class TestTokenIssuer
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;

    public TestTokenIssuer(string key, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        if (IsRsa(key))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(key);
            _credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = TokenValidationOptions.TestKeyId }, SecurityAlgorithms.RsaSha256);
        }
        else
        {
            _credentials = new SigningCredentials(ApiSigningKeys.FromSecret(key, TokenValidationOptions.TestKeyId), SecurityAlgorithms.HmacSha256);
        }
    }

    /// <summary>A fresh random HMAC secret (32 random bytes, base64: a string of 44 characters).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A fresh RSA-2048 private key (PEM), to sign RS256 tokens as identity-api does.</summary>
    public static string NewRsaKey()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>What the services are given as <c>Identity__TestSigningKey</c> for <paramref name="key"/>: the HMAC key itself, or the RSA key's public half.</summary>
    public static string ServiceSetting(string key)
    {
        if (!IsRsa(key))
        {
            return key;
        }
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key);
        return rsa.ExportSubjectPublicKeyInfoPem();
    }

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

    private static bool IsRsa(string key) => key.StartsWith("-----BEGIN", StringComparison.Ordinal);
}
