using Shop.Basket.Api;
using Shop.Basket.Api.Apis;
using Shop.Basket.Api.Baskets;
using Shop.Basket.Api.Catalog;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.OpenApi;
using StackExchange.Redis;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults); bearer tokens
// (docs/architecture.md, "Tokens and roles").
builder.AddServiceDefaults();
builder.AddDefaultAuthentication(ShopAudiences.BasketApi);

// Baskets live in `gate`, Shop's Redis that never evicts and writes every change to its append-only file:
// `cache` may evict (it is a cache), and a basket must not vanish under memory pressure. A basket is a small
// hash written a few times per visit, a sliver of what the gate does during a sale. A deployment that wants
// baskets apart gives them a Redis resource of their own in the AppHost; nothing here changes but the name.
const string BasketRedis = "gate";
builder.AddRedisClient(BasketRedis);
builder.NameHealthCheck(IntegrationHealthChecks.Redis, BasketRedis);

builder.Services.AddOptions<BasketOptions>().BindConfiguration(BasketOptions.SectionName);
builder.Services.AddSingleton<BasketStore>();
// The basket's Redis out of reach is a 503 (DependencyUnavailableFilter), like the cases every service shares.
builder.Services.AddDependencyFailure(e => e is RedisConnectionException or RedisTimeoutException);
builder.Services.AddHttpClient<CatalogItemsClient>(client => client.BaseAddress = CatalogItemsClient.BaseAddress);

builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BasketJsonContext.Default));
builder.Services.AddBadRequestProblems();
builder.Services.AddShopOpenApi("Shop Basket API",
    "The signed-in buyer's basket. Get a token from identity-api's POST /connect/token (docs/identity.md).");
// A basket change is {"quantity": n}: nothing needs more than a few bytes.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4096);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapBasketApi();
app.MapDefaultEndpoints();

await app.RunAsync();
