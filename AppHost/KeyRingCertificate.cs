using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting.Publishing;

namespace Shop.AppHost;

/// <summary>
/// The certificate that protects the storefront's Data Protection keys at rest in the gate (Web.Blazor's
/// KeyRingOptions): a secret parameter holding PEM, the certificate followed by its RSA private key.
/// Run mode generates a self-signed one once and keeps it in the user secrets, like the passwords (a new one would
/// leave the keys already stored unreadable, and every shopper signed out). Publish mode has no default: azd asks the
/// deployer for one, made as docs/hosting.md shows (openssl), so no deployment's key ring depends on a certificate
/// generated on a developer's machine.
/// </summary>
internal static class KeyRingCertificate
{
    public static IResourceBuilder<ParameterResource> AddKeyRingCertificate(this IDistributedApplicationBuilder builder, string name) =>
        builder.ExecutionContext.IsPublishMode
            ? builder.AddParameter(name, secret: true)
            : builder.AddParameter(name, new SelfSignedCertificateDefault(name), secret: true, persist: true);

    /// <summary>A self-signed certificate with a new RSA 3072 key, as PEM (certificate, then PKCS#8 private key).</summary>
    internal static string CreatePem(string subject)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={subject}"), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
        var now = DateTimeOffset.UtcNow;
        // Data Protection does not check the validity period: the certificate only carries the key, kept for the life of the data.
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(30));
        return certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem() + "\n";
    }

    private sealed class SelfSignedCertificateDefault(string subject) : ParameterDefault
    {
        public override string GetDefaultValue() => CreatePem(subject);

        // Not reached: publish mode adds the parameter without this default (AddKeyRingCertificate).
        public override void WriteToManifest(ManifestPublishingContext context) =>
            throw new InvalidOperationException("A key ring certificate is never generated for a deployment: the deployer gives one.");
    }
}
