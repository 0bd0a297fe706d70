using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Shop.Web.Identity;

/// <summary>
/// How the storefront's Data Protection key ring is protected at rest in the gate (section
/// <c>Storefront:DataProtection</c>): the certificate whose RSA key encrypts every key before it is stored
/// (<c>ProtectKeysWithCertificate</c>) and decrypts it when read. Required outside Development; the AppHost gives
/// it as the secret parameter <c>storefront-keyring-certificate</c> (docs/hosting.md). Checked at start.
/// </summary>
public sealed class KeyRingOptions : IValidatableObject
{
    public const string SectionName = "Storefront:DataProtection";

    /// <summary>
    /// PEM: the certificate and its RSA private key, one after the other (<c>-----BEGIN CERTIFICATE-----</c> …,
    /// <c>-----BEGIN PRIVATE KEY-----</c> …), as <c>openssl req -x509 -newkey rsa:3072 -nodes</c> writes them.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>Set by the storefront: Development may run without a certificate (the keys then stay unencrypted).</summary>
    internal bool Required { get; set; } = true;

    /// <summary>The certificate with its private key, or null when none is configured; throws if it is not one.</summary>
    public static X509Certificate2? Load(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(pem, pem);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"{SectionName}:Certificate is not a PEM certificate with its private key: {e.Message}", nameof(pem), e);
        }
        if (certificate.GetRSAPrivateKey() is not { } rsa)
        {
            certificate.Dispose();
            throw new ArgumentException($"{SectionName}:Certificate has no RSA private key (the key ring is encrypted with RSA).", nameof(pem));
        }
        rsa.Dispose();
        return certificate;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Certificate))
        {
            if (Required)
            {
                yield return new ValidationResult(
                    $"{SectionName}:Certificate is required outside Development: the certificate (PEM, with its RSA private key) that protects the Data Protection keys at rest in the gate.",
                    [nameof(Certificate)]);
            }
            yield break;
        }
        string? error = null;
        try
        {
            using var certificate = Load(Certificate);
        }
        catch (ArgumentException e)
        {
            error = e.Message;
        }
        if (error is not null)
        {
            yield return new ValidationResult(error, [nameof(Certificate)]);
        }
    }
}
