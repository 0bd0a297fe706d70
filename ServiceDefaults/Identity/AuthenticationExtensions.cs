using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Identity;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer-token authentication with the key from <c>Identity:SigningKey</c> (an AppHost secret), the
    /// <see cref="ShopRoles.AdminPolicy"/> policy, problem+json for 401/403, and <see cref="ShopTokenIssuer"/>.
    /// A missing or short key stops the service at startup with a message naming the setting.
    /// </summary>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<ShopTokenOptions>()
            .Bind(builder.Configuration.GetSection(ShopTokenOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ShopTokenIssuer>();
        builder.Services.AddAuthentication(JwtBearerAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, JwtBearerAuthenticationHandler>(JwtBearerAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ShopRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin));
        return builder;
    }
}
