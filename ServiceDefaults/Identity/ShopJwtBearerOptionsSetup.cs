using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Points the JwtBearer scheme at Shop's own tokens: a shared HS256 key instead of an authority's metadata (so
/// nothing is fetched), Shop's issuer and audience, a bounded clock skew, the short claim names as issued
/// (<c>sub</c>, <c>name</c>, <c>role</c>: no mapping to long URIs), and problem+json answers.
/// </summary>
internal sealed class ShopJwtBearerOptionsSetup(IOptions<ShopTokenOptions> tokenOptions) : IConfigureNamedOptions<JwtBearerOptions>
{
    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        // The code reads "sub" and "role" as issued; the default mapping would rename them.
        options.MapInboundClaims = false;
        options.TokenValidationParameters = CreateParameters(tokenOptions.Value);
        options.Events = new ProblemJwtBearerEvents();
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    internal static TokenValidationParameters CreateParameters(ShopTokenOptions options) => new()
    {
        ValidIssuer = options.Issuer,
        ValidAudience = options.Audience,
        IssuerSigningKey = ShopTokenKeys.Create(options.SigningKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = options.ClockSkew,
        NameClaimType = ShopClaimTypes.Name,
        RoleClaimType = ShopClaimTypes.Role,
    };
}
