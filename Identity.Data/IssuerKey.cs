namespace Shop.Identity.Data;

/// <summary>
/// A key of the token issuer, created by the first identity-api replica that needs it and read by every other one:
/// the RSA key that signs access tokens (its public half is published at <c>/.well-known/jwks</c>, which the APIs
/// read) and the AES key that encrypts refresh tokens. Only identity-api reads this table.
/// </summary>
public sealed class IssuerKey
{
    public const string SigningKeyId = "signing";
    public const string EncryptionKeyId = "encryption";

    public required string Id { get; set; }

    /// <summary>The key's private material: PKCS#8 for RSA, the raw bytes for AES.</summary>
    public required byte[] Material { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
