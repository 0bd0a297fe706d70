using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// How an API checks access tokens, bound from the <c>Identity</c> section: the issuer (identity-api), this API's
/// signing key (shared only with identity-api, which signs this API's access tokens with it and no other API's), and,
/// in the compositions of the tests and the bench only, a key of their own. The API's audience is not a setting: each
/// API names itself in code.
/// </summary>
public sealed class TokenValidationOptions : IValidatableObject
{
    public const string SectionName = "Identity";

    /// <summary>The issuer's identifier, as in the tokens' <c>iss</c> (a name, not an address: no call goes to it).</summary>
    [Required]
    public Uri Issuer { get; set; } = new("http://identity-api/");

    /// <summary>Tolerated clock difference between the issuer and the service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// This API's HMAC-SHA256 secret (<see cref="ApiSigningKeys"/>): the AppHost's secret parameter <c>{api}-token-key</c>,
    /// which only this API and identity-api are given. Symmetric rather than identity-api's RSA key because RS256 cost
    /// at least 17 % more of ordering-api's CPU per buy (bench/results/2026-12-07-ab-token-signing.md; docs/identity.md).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// A key that the tests' and the bench's own compositions give the APIs, so that they can act as 100,000 buyers
    /// without 100,000 sign-ins: an HMAC-SHA256 secret like <see cref="SigningKey"/>, or the PEM of an RSA public key (the
    /// bench's <c>--rsa-tokens</c>, which measures what asymmetric tokens would cost per buy). The AppHost never sets it:
    /// no deployment has one.
    /// </summary>
    public string? TestSigningKey { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Issuer.IsAbsoluteUri || !Issuer.AbsolutePath.EndsWith('/'))
        {
            yield return new ValidationResult($"Identity:Issuer must be an absolute URI ending in '/' (it is '{Issuer}').", [nameof(Issuer)]);
        }
        if (SigningKey is not null && !ApiSigningKeys.IsValidSecret(SigningKey))
        {
            yield return new ValidationResult($"Identity:SigningKey must have at least {ApiSigningKeys.MinLength} characters.", [nameof(SigningKey)]);
        }
        if (TestSigningKey is { } key && TestKey() is null)
        {
            yield return new ValidationResult($"Identity:TestSigningKey, when set, must have at least {ApiSigningKeys.MinLength} characters, or be an RSA public key's PEM.", [nameof(TestSigningKey)]);
        }
        if (SigningKey is null && TestSigningKey is null)
        {
            yield return new ValidationResult("Identity:SigningKey is required: this API's key for the access tokens identity-api signs for it (the AppHost gives it as the secret parameter '{api}-token-key').", [nameof(SigningKey)]);
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
        return ApiSigningKeys.IsValidSecret(key) ? ApiSigningKeys.FromSecret(key, TestKeyId) : null;
    }

    /// <summary>This API's own key, or null when there is none or it is malformed.</summary>
    internal SecurityKey? ApiKey(string audience) =>
        ApiSigningKeys.IsValidSecret(SigningKey) ? ApiSigningKeys.FromSecret(SigningKey!, audience) : null;

    /// <summary>The <c>kid</c> of tokens signed with the test key.</summary>
    public const string TestKeyId = "shop-test-key";
}
