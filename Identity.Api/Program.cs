using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Shop.Identity.Api.SignIn;
using Shop.Identity.Api.Tokens;
using Shop.Identity.Data;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery (ServiceDefaults), plus the sign-in meter.
builder.AddServiceDefaults();
builder.AddShopTelemetrySource(SignInMetrics.MeterName);

// identitydb, by its resource name, through Aspire's integration (pooled DbContext, health check, telemetry).
builder.AddNpgsqlDbContext<ShopIdentityDbContext>("identitydb");
builder.NameHealthCheck(nameof(ShopIdentityDbContext), "identitydb");
builder.Services.AddShopIdentityStores();

builder.Services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<TokenLifetimes>().BindConfiguration(TokenLifetimes.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<ApiSigningKeysOptions>().BindConfiguration(ApiSigningKeysOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<ApiAccessTokenSigning>();
builder.Services.AddScoped<SignInThrottle>();
builder.Services.AddSingleton<SignInMetrics>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();

// The keys are identitydb's (the migrations resource creates them); read before the server listens.
builder.Services.AddSingleton<IssuerKeyRing>();
builder.Services.AddHostedService<IssuerKeyLoader>();
builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, IssuerKeysOptionsSetup>();

// The same setting the APIs check tokens against (Identity:Issuer).
var issuer = builder.Configuration.GetSection(TokenValidationOptions.SectionName).Get<TokenValidationOptions>()?.Issuer ?? new TokenValidationOptions().Issuer;
builder.Services.AddOpenIddict().AddServer(options =>
{
    // The issuer is the name the APIs know identity-api by (service discovery), whatever address a request came to.
    options.SetIssuer(issuer);
    options.SetTokenEndpointUris(TokenEndpoint.Path.TrimStart('/'))
        .SetRevocationEndpointUris("connect/revoke");
    options.AllowPasswordFlow().AllowRefreshTokenFlow();
    options.RegisterScopes([.. ShopAudiences.ByScope.Keys, Scopes.OfflineAccess]);
    // RFC 8707: a request granted several APIs names the one its access token is for (TokenEndpoint).
    options.RegisterResources([.. ShopAudiences.ByResource.Keys]);
    // Each access token is signed with its API's own key, not with the RSA key (ApiAccessTokenSigning).
    options.AddEventHandler(ApiAccessTokenSigning.Descriptor);
    // Lifetimes are set per token by TokenEndpoint (TokenLifetimes: an admin's session is shorter).
    // A refresh token is the session: one per sign-in, kept until it expires or is revoked (sign-out). Not rolled
    // at each use, so the storefront's concurrent requests of one session never race to redeem it.
    options.DisableRollingRefreshTokens();
    // The APIs read access tokens themselves: signed (HS256, each API's key), not encrypted.
    options.DisableAccessTokenEncryption();
    options.UseAspNetCore()
        .EnableTokenEndpointPassthrough()
        // TLS ends at the ingress; inside the app identity-api is reached over plain HTTP.
        .DisableTransportSecurityRequirement();
});

var app = builder.Build();

// No migration here: identitydb's schema, keys and accounts are the migrations resource's (DatabaseMigrations).

app.UseExceptionHandler();
app.UseStatusCodePages();
// OpenIddict answers its endpoints from the authentication middleware (and hands the token request over to TokenEndpoint).
app.UseAuthentication();

app.MapDefaultEndpoints();
app.MapTokenEndpoint();

await app.RunAsync();
