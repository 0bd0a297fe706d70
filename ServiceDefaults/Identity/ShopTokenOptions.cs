using System.ComponentModel.DataAnnotations;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// How Shop's access tokens are signed and checked, bound from the <c>Identity</c> section. The AppHost passes
/// <c>Identity__SigningKey</c> from its secret parameter <c>jwt-signing-key</c>; the key is never in the code.
/// </summary>
public sealed class ShopTokenOptions
{
    public const string SectionName = "Identity";

    /// <summary>The shared secret; HMAC-SHA256 keys are derived from it (SHA-256), so any length of 16 or more works.</summary>
    [Required]
    [MinLength(16)]
    public string SigningKey { get; set; } = "";

    public string Issuer { get; set; } = "shop";

    public string Audience { get; set; } = "shop";

    /// <summary>How long an issued token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Tolerated clock difference between the issuer and the service.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
