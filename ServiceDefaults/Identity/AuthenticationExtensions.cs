using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer-token authentication (JwtBearer) for tokens identity-api issued for this API: validated locally with this
    /// API's own key (no call to identity-api, ever), <paramref name="audience"/> required in the
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
