using Microsoft.IdentityModel.JsonWebTokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>Claim types as they appear in Shop's access tokens (short JWT names, no mapping to long URIs).</summary>
public static class ShopClaimTypes
{
    public const string UserId = JwtRegisteredClaimNames.Sub;

    public const string Name = JwtRegisteredClaimNames.Name;

    public const string Role = "role";
}
