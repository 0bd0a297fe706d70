using Shop.Ordering.Worker;
using Shop.Ordering.Worker.Telemetry;
using Shop.ServiceDefaults.Health;

// The worker has no public API, but the orchestrator and deployment probes need /health and /alive, so it is
// a slim web host (no MVC, no static files) rather than a plain generic host.
var builder = WebApplication.CreateSlimBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();
builder.AddShopTelemetrySource(WorkerMetrics.MeterName);

// Dependencies, by their resource names in the AppHost (Aspire's client integrations): connection strings arrive
// as ConnectionStrings__{name}, and /health lists each dependency under that name. The worker writes its own SQL
// (batched inserts, guarded ledger updates), so it takes the raw data source.
builder.AddNpgsqlDataSource("orderingdb");
builder.AddRabbitMQClient("messaging");
// The flash-sale gate's own Redis (`gate`, durable), the worker's only Redis: arming, confirmations, releases,
// rebuild and reconciliation all go to it.
builder.AddRedisClient("gate");
builder.NameHealthCheck(IntegrationHealthChecks.Npgsql, "orderingdb")
    .NameHealthCheck(IntegrationHealthChecks.RabbitMQ, "messaging")
    .NameHealthCheck(IntegrationHealthChecks.Redis, "gate");

// Arming, batched persistence, expiry, releases, gate confirmation, rebuild, reconciliation (docs/ordering.md).
builder.Services.AddOrderingWorker();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
