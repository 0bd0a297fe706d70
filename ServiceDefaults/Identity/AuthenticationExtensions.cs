using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer-token authentication (JwtBearer) for tokens identity-api issued for this API: validated locally with the
    /// issuer's published keys (no call to identity-api per request), <paramref name="audience"/> required in the
    /// token's <c>aud</c> (<see cref="ShopAudiences"/>), the <see cref="ShopRoles.AdminPolicy"/> and
    /// <see cref="ShopRoles.UserPolicy"/> policies, problem+json for 401/403. Settings: section <c>Identity</c>
    /// (<see cref="TokenValidationOptions"/>), checked at startup.
    /// </summary>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder, string audience)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(audience);

        var services = builder.Services;
        services.AddOptions<TokenValidationOptions>()
            .Bind(builder.Configuration.GetSection(TokenValidationOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new ApiAudience(audience));
        // The issuer's metadata: found by service discovery like every client, but without the standard retries (a
        // read that fails is tried again later by IssuerMetadata, not by a request waiting for it) and bounded in time.
        var metadata = services.AddHttpClient(ShopJwtBearerOptionsSetup.MetadataClientName);
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers: the documented way to replace the default pipeline, still marked experimental
        metadata.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        metadata.AddResilienceHandler("identity-metadata", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(3)));

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Through the options system rather than the AddJwtBearer delegate, so the validation parameters come
        // from the bound (and validated) TokenValidationOptions.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ShopJwtBearerOptionsSetup>());

        services.AddAuthorizationBuilder()
            .AddPolicy(ShopRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin))
            .AddPolicy(ShopRoles.UserPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(ShopClaimTypes.UserId));
        return builder;
    }
}
