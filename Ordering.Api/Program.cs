using Shop.Ordering.Api.Apis;
using Shop.Ordering.Api.Admission;
using Shop.Ordering.Api.Checkout;
using Shop.Ordering.Api.Orders;
using Shop.Ordering.Api.Telemetry;
using Shop.Ordering.Core;
using Shop.Ordering.Core.Reconciliation;
using Shop.Ordering.Core.Redis;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.OpenApi;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults); bearer tokens
// (docs/architecture.md, "Tokens and roles").
builder.AddServiceDefaults();
builder.AddShopTelemetrySource(OrderingApiMetrics.MeterName);
builder.AddDefaultAuthentication(ShopAudiences.OrderingApi);

// Redis is the buy path's gate (its own durable Redis, `gate`, not the catalog's cache: the only Redis connection
// of this service, so the gate and the order lookups both use it); its stream carries each reservation to the worker.
// Postgres is the ledger. Aspire's client integrations, by the resources' names: connection strings arrive as
// ConnectionStrings__{name}. /health lists each dependency under that name.
builder.AddRedisClient("gate");
builder.AddNpgsqlDataSource("orderingdb");
builder.NameHealthCheck(IntegrationHealthChecks.Redis, "gate")
    .NameHealthCheck(IntegrationHealthChecks.Npgsql, "orderingdb");

builder.Services.AddOptions<OrderingOptions>().BindConfiguration(OrderingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddOptions<AdmissionOptions>().BindConfiguration(AdmissionOptions.SectionName);
builder.Services.AddSingleton<OrderingApiMetrics>();
builder.Services.AddOptions<CheckoutOptions>().BindConfiguration(CheckoutOptions.SectionName);
builder.Services.AddSingleton<GateClient>();
// The gate out of reach is a 503 on the stock endpoints (DependencyUnavailableFilter); the buy and the checkout
// catch it themselves, because there it is also a decision outcome they count (shop.ordering.decisions "error").
builder.Services.AddDependencyFailure(e => e is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException);
builder.Services.AddSingleton<SoldOutShortcut>();
builder.Services.AddSingleton<OrderAdmission>();
builder.Services.AddSingleton<OrderStore>();
builder.Services.AddSingleton<OrderCommands>();
builder.Services.AddSingleton<StockReconciler>();

builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, OrderingApiJsonContext.Default));
// Every error is RFC 7807 problem+json; a malformed request is a 400 with a reason, never a 500.
builder.Services.AddProblemDetails();
builder.Services.AddShopOpenApi("Shop Ordering API",
    "The flash-sale buy path, the buyer's orders and payment, and the admins' views of stock and reconciliation. Get a token from identity-api's POST /connect/token (docs/identity.md).");
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

var app = builder.Build();

// No migration here: the AppHost starts this service only after the migrations resource (DatabaseMigrations)
// brought orderingdb to its schema.

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapFlashSaleOrdersApi();
app.MapSaleStockApi();
app.MapItemStockApi();
app.MapCheckoutApi();
app.MapOrdersApi();
app.MapReconciliationApi();
app.MapDefaultEndpoints();

app.Run();
