using Shop.Ordering.Worker.Data;

// The worker has no public API, but the orchestrator and deployment probes need /health and /alive, so it is
// a slim web host (no MVC, no static files) rather than a plain generic host.
var builder = WebApplication.CreateSlimBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

// Dependencies, by their resource names in the AppHost: connection strings arrive as ConnectionStrings__{name}.
builder.AddNpgsqlDbContext<OrderingDbContext>("orderingdb");
builder.AddRabbitMQClient("messaging");
builder.AddRedisClient("cache");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
