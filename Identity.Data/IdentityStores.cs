using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Identity.Data;

public static class IdentityStores
{
    /// <summary>
    /// ASP.NET Core Identity's user and role managers and OpenIddict's managers over <see cref="ShopIdentityDbContext"/>
    /// (registered by the caller, through Aspire's integration): the same rules for identity-api, which signs users in,
    /// and the migrations resource, which seeds accounts.
    /// </summary>
    public static IServiceCollection AddShopIdentityStores(this IServiceCollection services)
    {
        services.AddIdentityCore<ShopUser>(options =>
            {
                options.User.RequireUniqueEmail = false;
                options.Password.RequiredLength = 8;
                // Failed sign-ins are counted by Identity.Api's SignInThrottle (per account and per client, safe under
                // concurrent attempts), not by Identity's lockout, whose counter is lost when attempts race.
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole<Guid>>()
            .AddEntityFrameworkStores<ShopIdentityDbContext>();
        services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<ShopIdentityDbContext>());
        return services;
    }
}
