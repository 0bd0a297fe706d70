using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// The one way a signing secret becomes an HMAC-SHA256 key, for identity-api (which signs each API's access tokens
/// with that API's key) and for the API that checks them: the secret's UTF-8 bytes. A secret is a string of at least
/// <see cref="MinLength"/> characters (the AppHost generates each API's as a secret parameter, <c>{api}-token-key</c>).
/// </summary>
public static class ApiSigningKeys
{
    public const int MinLength = 32;

    public static bool IsValidSecret(string? secret) => secret is { Length: >= MinLength } && !string.IsNullOrWhiteSpace(secret);

    /// <summary>The HMAC key for <paramref name="secret"/>, named <paramref name="keyId"/> (the tokens' <c>kid</c>).</summary>
    public static SymmetricSecurityKey FromSecret(string secret, string keyId)
    {
        if (!IsValidSecret(secret))
        {
            throw new ArgumentException($"A signing secret has at least {MinLength} characters.", nameof(secret));
        }
        return new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) { KeyId = keyId };
    }
}
