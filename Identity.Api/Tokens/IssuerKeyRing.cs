using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using Shop.Identity.Data;

namespace Shop.Identity.Api.Tokens;

/// <summary>
/// The issuer's keys, read from identitydb (<see cref="IssuerKey"/>; the migrations resource creates them) before the
/// server takes requests, and handed to OpenIddict: the RSA key signs access tokens (RS256; its public half is what
/// <c>/.well-known/jwks</c> publishes), the AES key encrypts refresh tokens. Every replica reads the same keys, so a
/// token issued by one is accepted by the others.
/// </summary>
public sealed class IssuerKeyRing
{
    private SigningCredentials? _signing;
    private EncryptingCredentials? _encryption;

    public SigningCredentials Signing => _signing ?? throw NotLoaded();

    public EncryptingCredentials Encryption => _encryption ?? throw NotLoaded();

    public async Task LoadAsync(ShopIdentityDbContext db, CancellationToken cancellationToken)
    {
        var keys = await db.IssuerKeys.AsNoTracking().ToDictionaryAsync(k => k.Id, cancellationToken).ConfigureAwait(false);
        if (!keys.TryGetValue(IssuerKey.SigningKeyId, out var signing) || !keys.TryGetValue(IssuerKey.EncryptionKeyId, out var encryption))
        {
            throw new InvalidOperationException("identitydb holds no issuer keys: the migrations resource creates them; did it run?");
        }
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(signing.Material, out _);
        // A key id that changes with the key, so an API that sees a new one knows to read the published keys again.
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        _signing = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = keyId }, SecurityAlgorithms.RsaSha256);
        _encryption = new EncryptingCredentials(
            new SymmetricSecurityKey(encryption.Material) { KeyId = "refresh-" + encryption.CreatedAt.ToUnixTimeSeconds() },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
    }

    private static InvalidOperationException NotLoaded() =>
        new("The issuer keys are read when identity-api starts (IssuerKeyLoader); a request came before.");
}

/// <summary>Reads the keys before the server listens: hosted services start before Kestrel takes requests.</summary>
internal sealed class IssuerKeyLoader(IServiceScopeFactory scopes, IssuerKeyRing keys) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await keys.LoadAsync(scope.ServiceProvider.GetRequiredService<ShopIdentityDbContext>(), cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Gives OpenIddict the loaded keys (OpenIddict resolves its options at the first request, after <see cref="IssuerKeyLoader"/>).</summary>
internal sealed class IssuerKeysOptionsSetup(IssuerKeyRing keys) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        options.SigningCredentials.Add(keys.Signing);
        options.EncryptionCredentials.Add(keys.Encryption);
    }
}
