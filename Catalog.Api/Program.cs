using Shop.Catalog.Api.Apis;
using Shop.Catalog.Api.Caching;
using Shop.Catalog.Api.Infrastructure;
using Shop.Catalog.Data;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults), plus the catalog's meter.
builder.AddServiceDefaults();
builder.AddShopTelemetrySource(CacheMetrics.MeterName);

// Dependencies, by their resource names in the AppHost (Aspire's client integrations): connection strings arrive
// as ConnectionStrings__{name}, and /health lists each dependency under that name.
builder.AddRedisClient("cache");
builder.AddNpgsqlDbContext<CatalogDbContext>("catalogdb");
builder.AddRabbitMQClient("messaging");
builder.NameHealthCheck(IntegrationHealthChecks.Redis, "cache")
    .NameHealthCheck(nameof(CatalogDbContext), "catalogdb")
    .NameHealthCheck(IntegrationHealthChecks.RabbitMQ, "messaging");

// Bearer tokens identity-api issued for catalog-api; the admin policy.
builder.AddDefaultAuthentication(ShopAudiences.CatalogApi);

builder.AddCatalogServices();

var app = builder.Build();

// No migration here: catalogdb's schema and seed data are the migrations resource's (DatabaseMigrations), which
// the AppHost runs to completion before it starts this service.

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapDefaultEndpoints();
app.MapCatalogApi();
app.MapFlashSalesApi();
app.MapAdminCatalogApi();
app.MapAdminFlashSalesApi();

await app.RunAsync();
