using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// How an API checks access tokens, bound from the <c>Identity</c> section: the issuer (identity-api), whose signing
/// keys are read from its published metadata, and, in the compositions of the tests and the bench only, a key of
/// their own. The API's audience is not a setting: each API names itself in code.
/// </summary>
public sealed class TokenValidationOptions : IValidatableObject
{
    public const string SectionName = "Identity";

    /// <summary>
    /// The issuer's identifier, as in the tokens' <c>iss</c>; its metadata is read at
    /// <c>{Issuer}.well-known/openid-configuration</c> (service discovery resolves the host <c>identity-api</c>).
    /// </summary>
    [Required]
    public Uri Issuer { get; set; } = new("http://identity-api/");

    /// <summary>Tolerated clock difference between the issuer and the service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an API that could not read the issuer's metadata waits before it asks again.</summary>
    public TimeSpan MetadataRetryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A key that the tests' and the bench's own compositions give the APIs, so that they can act as 100,000 buyers
    /// without 100,000 sign-ins: a base64 HMAC-SHA256 key (32 bytes or more), or the PEM of an RSA public key (the bench's
    /// RS256 buyers, to measure what identity-api's RS256 tokens cost per buy). The AppHost never sets it: no
    /// deployment has one.
    /// </summary>
    public string? TestSigningKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Issuer.IsAbsoluteUri || !Issuer.AbsolutePath.EndsWith('/'))
        {
            yield return new ValidationResult($"Identity:Issuer must be an absolute URI ending in '/' (it is '{Issuer}').", [nameof(Issuer)]);
        }
        if (TestSigningKey is { } key && TestKey() is null)
        {
            yield return new ValidationResult("Identity:TestSigningKey, when set, must be base64 of 32 bytes or more, or an RSA public key's PEM.", [nameof(TestSigningKey)]);
        }
    }

    /// <summary>The test key as a signing key (HMAC or RSA), or null when there is none or it is malformed.</summary>
    internal SecurityKey? TestKey()
    {
        if (TestSigningKey is not { Length: > 0 } key)
        {
            return null;
        }
        if (key.StartsWith("-----BEGIN PUBLIC KEY-----", StringComparison.Ordinal))
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(key);
                return new RsaSecurityKey(rsa) { KeyId = TestKeyId };
            }
            catch (ArgumentException)
            {
                return null;
            }
        }
        return TryDecode(key, out var bytes) && bytes.Length >= 32 ? new SymmetricSecurityKey(bytes) { KeyId = TestKeyId } : null;
    }

    /// <summary>The <c>kid</c> of tokens signed with the test key.</summary>
    public const string TestKeyId = "shop-test-key";

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
