using System.Security.Cryptography.X509Certificates;

namespace Shop.AppHost.Tests;

/// <summary>The certificate run mode generates for the storefront's key ring: PEM the storefront loads, with its RSA key.</summary>
[Collection(OneAtATime.Name)]
public sealed class KeyRingCertificateTests
{
    [Fact]
    public void Run_mode_generates_a_self_signed_certificate_with_its_RSA_private_key_as_PEM()
    {
        var pem = KeyRingCertificate.CreatePem("storefront-keyring-certificate");

        Assert.Contains("-----BEGIN CERTIFICATE-----", pem, StringComparison.Ordinal);
        Assert.Contains("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal);
        // As Web.Blazor's KeyRingOptions.Load reads it: the one text for both the certificate and the key.
        using var certificate = X509Certificate2.CreateFromPem(pem, pem);
        using var key = certificate.GetRSAPrivateKey();
        Assert.NotNull(key);
        Assert.Equal(3072, key.KeySize);
        Assert.Equal("CN=storefront-keyring-certificate", certificate.Subject);
        Assert.True(certificate.NotAfter > DateTime.UtcNow.AddYears(10));
    }
}
