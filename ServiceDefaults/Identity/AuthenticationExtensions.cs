using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Shop.ServiceDefaults.Identity;

namespace Microsoft.Extensions.Hosting;

public static class AuthenticationExtensions
{
    /// <summary>
    /// Bearer-token authentication (JwtBearer) for Shop's own tokens: the key from <c>Identity:SigningKey</c> (an
    /// AppHost secret), issuer and audience from the same section, the <see cref="ShopRoles.AdminPolicy"/>
    /// policy, problem+json for 401/403, and <see cref="ShopTokenIssuer"/> for the services that sign tokens.
    /// A missing or short key stops the service at startup with a message naming the setting.
    /// </summary>
    public static TBuilder AddDefaultAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        var services = builder.Services;
        services.AddOptions<ShopTokenOptions>()
            .Bind(builder.Configuration.GetSection(ShopTokenOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ShopTokenIssuer>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        // Through the options system rather than the AddJwtBearer delegate, so the validation parameters come
        // from the bound (and validated) ShopTokenOptions.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ShopJwtBearerOptionsSetup>());

        services.AddAuthorizationBuilder()
            .AddPolicy(ShopRoles.AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(ShopRoles.Admin))
            .AddPolicy(ShopRoles.UserPolicy, policy => policy.RequireAuthenticatedUser().RequireClaim(ShopClaimTypes.UserId));
        return builder;
    }
}
