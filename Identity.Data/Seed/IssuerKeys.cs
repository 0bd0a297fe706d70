using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Shop.Identity.Data.Seed;

/// <summary>Creates the issuer's keys (<see cref="IssuerKey"/>) the first time, so every identity-api replica finds the same ones.</summary>
internal static class IssuerKeys
{
    public static async Task<int> EnsureCreatedAsync(ShopIdentityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var existing = await db.IssuerKeys.Select(k => k.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var created = 0;
        if (!existing.Contains(IssuerKey.SigningKeyId))
        {
            // RS256: verification (what every API does on every request) is cheap with RSA; signing is identity-api's alone.
            using var rsa = RSA.Create(2048);
            db.IssuerKeys.Add(new IssuerKey { Id = IssuerKey.SigningKeyId, Material = rsa.ExportPkcs8PrivateKey(), CreatedAt = time.GetUtcNow() });
            created++;
        }
        if (!existing.Contains(IssuerKey.EncryptionKeyId))
        {
            db.IssuerKeys.Add(new IssuerKey { Id = IssuerKey.EncryptionKeyId, Material = RandomNumberGenerator.GetBytes(32), CreatedAt = time.GetUtcNow() });
            created++;
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }
}
