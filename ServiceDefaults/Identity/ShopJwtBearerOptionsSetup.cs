using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// Points the JwtBearer scheme at identity-api's tokens: its issuer, its signing keys (RS256) read from its metadata
/// through service discovery (<see cref="IssuerMetadata"/>), this API's own audience, a bounded clock skew, the short
/// claim names as issued (<c>sub</c>, <c>name</c>, <c>role</c>: no mapping to long URIs), and problem+json answers.
/// With <see cref="TokenValidationOptions.TestSigningKey"/> (tests and bench only), tokens signed with it pass too.
/// </summary>
internal sealed class ShopJwtBearerOptionsSetup(
    IOptions<TokenValidationOptions> validation, ApiAudience audience, IHttpClientFactory httpClients, TimeProvider time, ILoggerFactory loggers)
    : IConfigureNamedOptions<JwtBearerOptions>
{
    /// <summary>The HttpClient that reads the issuer's metadata (service discovery; a timeout, no retries: AuthenticationExtensions).</summary>
    public const string MetadataClientName = "identity-metadata";

    public void Configure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme)
        {
            return;
        }

        var settings = validation.Value;
        // The code reads "sub" and "role" as issued; the default mapping would rename them.
        options.MapInboundClaims = false;
        // Inside the app the issuer is reached over plain HTTP (TLS ends at the ingress).
        options.RequireHttpsMetadata = false;
        var metadataAddress = new Uri(settings.Issuer, ".well-known/openid-configuration");
        var retriever = new HttpDocumentRetriever(httpClients.CreateClient(MetadataClientName)) { RequireHttps = false };
        options.ConfigurationManager = new IssuerMetadata(
            new ConfigurationManager<OpenIdConnectConfiguration>(metadataAddress.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever),
            settings.Issuer, settings.MetadataRetryInterval, time, loggers.CreateLogger<IssuerMetadata>());
        options.TokenValidationParameters = CreateParameters(settings, audience.Name);
        options.Events = new ProblemJwtBearerEvents();
    }

    public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);

    internal static TokenValidationParameters CreateParameters(TokenValidationOptions options, string audience)
    {
        var testKey = options.TestKey();
        return new TokenValidationParameters
        {
            ValidIssuer = options.Issuer.AbsoluteUri,
            ValidAudience = audience,
            // The issuer's keys come with its metadata; the test key, where there is one, is added to them.
            IssuerSigningKey = testKey,
            ValidAlgorithms = testKey is SymmetricSecurityKey ? [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.HmacSha256] : [SecurityAlgorithms.RsaSha256],
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
