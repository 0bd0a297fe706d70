using Microsoft.Extensions.Http.Resilience;
using Polly;
using Shop.ServiceDefaults.Http;
using Shop.Web.Bff;
using Shop.Web.Caching;
using Shop.Web.Components;
using Shop.Web.Edge;
using Shop.Web.Identity;
using Shop.Web.Services;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

// The internet's only address: forwarded headers from the configured ingress only, HSTS, security headers, a small
// body limit, a per-address limit on anonymous requests that reach the APIs (Edge/StorefrontEdge.cs).
builder.AddStorefrontEdge();

// Pages are rendered on the server as plain HTML, forms are plain posts. The parts that change while the shopper
// looks at them (basket, checkout, My orders, the admin's live sale) are InteractiveServer components on the
// pages marked [LivePage]; the sale page stays cached HTML with a small script (no circuit per visitor).
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
// The live components read the shopper's token from the cookie of the request that runs them (CookieShopperToken).
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<IShopperToken, CookieShopperToken>();
builder.Services.AddScoped<SessionEnd>();

// Sessions: signed in server-to-server with identity-api, kept in the gate's Redis (Identity/ShopperSession.cs).
builder.AddRedisClient("gate");
builder.Services.AddShopperSession(builder.Environment, builder.Configuration);
builder.Services.AddOptions<StorefrontClientOptions>().BindConfiguration(StorefrontClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
// Sign-in is never retried: a retried wrong password would count twice against the shopper's throttle.
var identityClient = builder.Services.AddHttpClient<IdentityApiClient>(client => client.BaseAddress = IdentityApiClient.BaseAddress);
#pragma warning disable EXTEXP0001
identityClient.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
identityClient.AddResilienceHandler("identity", pipeline => pipeline.AddTimeout(TimeSpan.FromSeconds(10)));
builder.Services.AddBadRequestProblems();
builder.Services.AddSingleton(TimeProvider.System);

// The APIs by their resource names; service discovery turns them into the replicas' addresses.
builder.Services.AddHttpClient<CatalogApiClient>(client => client.BaseAddress = CatalogApiClient.BaseAddress);
builder.Services.AddHttpClient<OrderingApiClient>(client => client.BaseAddress = OrderingApiClient.BaseAddress);
builder.Services.AddHttpClient<BasketApiClient>(client => client.BaseAddress = BasketApiClient.BaseAddress);
// The buy and the checkout have a pipeline of their own, without retries (OrderingBuyClient says why). It answers fast or not at all;
// sheds (429) count for the breaker only when everything is shed. Removing the default handler is the documented
// way, still marked experimental (EXTEXP0001) in Microsoft.Extensions.Http.Resilience.
var buyClient = builder.Services.AddHttpClient<OrderingBuyClient>(OrderingBuyClient.ClientName, client => client.BaseAddress = OrderingApiClient.BaseAddress);
#pragma warning disable EXTEXP0001
buyClient.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
buyClient.AddResilienceHandler("buy", pipeline => pipeline
    .AddTimeout(TimeSpan.FromSeconds(10))
    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions { FailureRatio = 1.0, BreakDuration = TimeSpan.FromSeconds(2) })
    .AddTimeout(TimeSpan.FromSeconds(3)));
builder.Services.AddSingleton<SaleStockCache>();
builder.Services.AddSingleton<KnownSales>();

// What a crowd opens at once (the sale page, the anonymous home page, pictures) is rendered once and served as stored bytes.
builder.Services.AddPageCaches();

var app = builder.Build();

app.UseStorefrontEdge();

// Never a raw error page, in every environment: exceptions render the friendly /Error page, and status codes
// without a body (404 of an unknown route, 405) render /not-found. A request the framework refused (a body over the
// limit, a value that does not bind) keeps its 4xx, as problem+json (AddBadRequestProblems, ServiceDefaults).
app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
// After authentication: the anonymous home page's cache policy asks whether the visitor is signed in.
app.UseOutputCache();
// After the output cache: what it serves never counts against an address, only what reaches the APIs.
app.UseRateLimiter();

app.MapStaticAssets();
var limited = app.MapGroup("").RequireRateLimiting(StorefrontEdge.AnonymousPolicy);
limited.MapBff();
limited.MapFormEndpoints();
limited.MapBasketForms();
limited.MapPictures();
// Blazor's own frame-ancestors header off: every response carries the whole policy instead (Edge/SecurityHeaders.cs).
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null)
    .RequireRateLimiting(StorefrontEdge.AnonymousPolicy);

app.MapDefaultEndpoints();

app.Run();
