using Microsoft.AspNetCore.Antiforgery;

namespace Shop.Web.Caching;

/// <summary>
/// The storefront's output caches: what a crowd opens at once is rendered once and then served as stored bytes.
/// Registered by <see cref="AddPageCaches"/>; <c>UseOutputCache</c> runs after authentication (the home page's
/// policy needs to know whether the visitor is signed in).
/// </summary>
public static class PageCaches
{
    /// <summary>The flash-sale page: one render per sale per <see cref="SalePageDuration"/>, shared by every visitor.</summary>
    public const string SalePage = "sale-page";

    public static readonly TimeSpan SalePageDuration = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The home page and its catalog searches, for visitors who are not signed in (a signed-in shopper's page has
    /// "Add to basket" forms with their own antiforgery tokens, so it is rendered for them).
    /// </summary>
    public const string AnonymousHomePage = "anonymous-home-page";

    public static readonly TimeSpan HomePageDuration = TimeSpan.FromSeconds(2);

    /// <summary>The item pictures, per item and version (the <c>v</c> query key).</summary>
    public const string Pictures = "pictures";

    public static IServiceCollection AddPageCaches(this IServiceCollection services)
    {
        services.AddOutputCache(options =>
        {
            options.AddPolicy(SalePage, new SharedOutputCachePolicy(SalePageDuration, anonymousOnly: false));
            options.AddPolicy(AnonymousHomePage, new SharedOutputCachePolicy(HomePageDuration, anonymousOnly: true,
                "q", "category", "page", "basket", "item"));
            options.AddPolicy(Pictures, new SharedOutputCachePolicy(TimeSpan.FromMinutes(5), anonymousOnly: false, "v"));
        });
        // Every Razor component page asks antiforgery for a cookie token, which would make each shared page a
        // per-visitor response (SharedResponseAntiforgery says why and what it does instead).
        services.AddAntiforgery();
        services.Decorate<IAntiforgery, SharedResponseAntiforgery>();
        return services;
    }
}
