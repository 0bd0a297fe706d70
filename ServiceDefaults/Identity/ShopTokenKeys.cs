using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Turns the configured secret into the HMAC-SHA256 key. Deriving through SHA-256 gives the 256-bit key the
/// algorithm needs from a secret of any length (the AppHost's generated secrets are 22 characters).
/// </summary>
internal static class ShopTokenKeys
{
    public static SymmetricSecurityKey Create(string secret) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(secret))) { KeyId = "shop-hs256" };
}
