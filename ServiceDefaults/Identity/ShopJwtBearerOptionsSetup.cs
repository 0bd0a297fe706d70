using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Points the JwtBearer scheme at identity-api's tokens for this API: its issuer, this API's own HMAC key (shared only
/// with identity-api, <see cref="TokenValidationOptions.SigningKey"/>; nothing is read from identity-api, so no request
/// ever waits for it), this API's own audience, a bounded clock skew, the short claim names as issued (<c>sub</c>,
/// <c>name</c>, <c>role</c>: no mapping to long URIs), and problem+json answers. With
/// <see cref="TokenValidationOptions.TestSigningKey"/> (tests and bench only), tokens signed with it pass too.
/// </summary>
internal sealed class ShopJwtBearerOptionsSetup(IOptions<TokenValidationOptions> validation, ApiAudience audience)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        // The code reads "sub" and "role" as issued; the default mapping would rename them.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = CreateParameters(validation.Value, audience.Name);
        options.Events = new ProblemJwtBearerEvents();
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    internal static TokenValidationParameters CreateParameters(TokenValidationOptions options, string audience)
    {
        SecurityKey[] keys = [.. new[] { options.ApiKey(audience), options.TestKey() }.OfType<SecurityKey>()];
        return new TokenValidationParameters
        {
            ValidIssuer = options.Issuer.AbsoluteUri,
            ValidAudience = audience,
            IssuerSigningKeys = keys,
            // HS256 only, unless the bench measures RS256 buyers with an RSA test key.
            ValidAlgorithms = keys.Any(k => k is RsaSecurityKey) ? [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256] : [SecurityAlgorithms.HmacSha256],
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = options.ClockSkew,
            NameClaimType = ShopClaimTypes.Name,
            RoleClaimType = ShopClaimTypes.Role,
        };
    }
}

/// <summary>The audience this API accepts: its own resource name (<see cref="ShopAudiences"/>).</summary>
internal sealed record ApiAudience(string Name);
