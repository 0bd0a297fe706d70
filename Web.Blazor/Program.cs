using Shop.ServiceDefaults.Resilience;
using Shop.Web.Bff;
using Shop.Web.Components;
using Shop.Web.Identity;
using Shop.Web.Services;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

// Static server-side rendering only: pages are HTML, forms are plain posts, and the live parts (countdowns,
// stock, the buy button, order status) are small scripts calling the /bff endpoints. No circuit per visitor.
builder.Services.AddRazorComponents();

builder.Services.AddShopperSession();
builder.Services.AddProblemDetails();
builder.Services.AddSingleton(TimeProvider.System);

// The APIs by their resource names; service discovery turns them into the replicas' addresses.
builder.Services.AddHttpClient<CatalogApiClient>(client => client.BaseAddress = CatalogApiClient.BaseAddress);
builder.Services.AddHttpClient<OrderingApiClient>(client => client.BaseAddress = OrderingApiClient.BaseAddress);
builder.Services.AddHttpClient<OrderingBuyClient>(OrderingBuyClient.ClientName, client => client.BaseAddress = OrderingApiClient.BaseAddress);
builder.Services.Configure<HttpStandardResilienceOptions>(OrderingBuyClient.ClientName, options =>
{
    // The buy answers fast or not at all; sheds (429) count for the breaker only when everything is shed.
    options.TotalRequestTimeout = TimeSpan.FromSeconds(10);
    options.AttemptTimeout = TimeSpan.FromSeconds(3);
    options.CircuitBreaker.FailureRatio = 1.0;
    options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(2);
});
builder.Services.AddSingleton<SaleStockCache>();

builder.Services.AddOutputCache(options =>
{
    options.AddPolicy(SalePageCache.PolicyName, new SharedOutputCachePolicy(SalePageCache.Duration));
    options.AddPolicy(PictureEndpoints.CachePolicy, new SharedOutputCachePolicy(TimeSpan.FromMinutes(5), "v"));
});

var app = builder.Build();

// Never a raw error page, in every environment: exceptions render the friendly /Error page, and status codes
// without a body (404 of an unknown route, 405) render /not-found.
app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.UseOutputCache();

app.MapStaticAssets();
app.MapBff();
app.MapFormEndpoints();
app.MapPictures();
app.MapRazorComponents<App>();

app.MapDefaultEndpoints();

app.Run();
