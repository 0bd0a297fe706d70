using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Shop.Web.Services;

namespace Shop.Web.Edge;

/// <summary>
/// The storefront as the internet's only address (docs/storefront.md, "On the internet"): behind a TLS-terminating
/// ingress whose forwarded headers it believes only from the configured proxies; HSTS outside Development; the
/// security headers on every response; a small request body limit; and a per-address limit on the anonymous requests
/// that miss the page caches (those are the ones that reach the APIs and Postgres).
/// </summary>
public static class StorefrontEdge
{
    /// <summary>The rate-limiting policy of the routes anonymous visitors reach the APIs through.</summary>
    public const string AnonymousPolicy = "anonymous";

    public static WebApplicationBuilder AddStorefrontEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<EdgeOptions>().BindConfiguration(EdgeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<EdgeOptions>>((forwarded, edge) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured ingress: ASP.NET Core's default trusts loopback, which in a pod is every sidecar.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in edge.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in edge.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddEdgeAntiforgeryCookie(builder.Environment);
        services.AddOptions<HstsOptions>().Configure<IOptions<EdgeOptions>>((hsts, edge) => hsts.MaxAge = edge.Value.HstsMaxAge);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<EdgeOptions>>((kestrel, edge) => kestrel.Limits.MaxRequestBodySize = edge.Value.MaxRequestBodyBytes);

        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            limiter.AddPolicy(AnonymousPolicy, AnonymousPartition);
        });
        return builder;
    }

    /// <summary>The middleware, in order: forwarded headers first (everything after sees the shopper's scheme and address).</summary>
    public static WebApplication UseStorefrontEdge(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        app.Use(RefuseLargeBodiesAsync);
        return app;
    }

    /// <summary>
    /// A body announced larger than the limit is answered 413 before anything reads it. (Kestrel enforces the same
    /// limit on bodies that announce no length, as they are read; a form read for its antiforgery token then fails as 400.)
    /// </summary>
    private static async Task RefuseLargeBodiesAsync(HttpContext http, RequestDelegate next)
    {
        var limit = http.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value.MaxRequestBodyBytes;
        if (http.Request.ContentLength is not { } length || length <= limit)
        {
            await next(http).ConfigureAwait(false);
            return;
        }
        await ProblemResponse.WriteAsync(http.Response, StatusCodes.Status413PayloadTooLarge, "Request too large",
            $"The request body has {length} bytes; the storefront accepts at most {limit}.", http.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Signed-in shoppers are not limited here (the APIs admit them per buyer); anonymous visitors per address.</summary>
    private static RateLimitPartition<string> AnonymousPartition(HttpContext http)
    {
        var edge = http.RequestServices.GetRequiredService<IOptions<EdgeOptions>>().Value;
        if (!edge.RateLimited || http.User.Identity?.IsAuthenticated == true)
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = edge.AnonymousBurst,
            TokensPerPeriod = edge.AnonymousPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ProblemResponse.WriteAsync(context.HttpContext.Response, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"Too many requests from your address: try again in {seconds} seconds.", cancellationToken).ConfigureAwait(false);
    }
}
