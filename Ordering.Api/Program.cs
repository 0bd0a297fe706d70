using Shop.Ordering.Api.Data;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

// Dependencies, by their resource names in the AppHost: connection strings arrive as ConnectionStrings__{name}.
// Redis is the buy path's gate; Postgres is the ledger; RabbitMQ carries reservations to the worker.
builder.AddRedisClient("cache");
builder.AddNpgsqlDbContext<OrderingDbContext>("orderingdb");
builder.AddRabbitMQClient("messaging");

// Every error the framework produces (unhandled exception, 404, 405, ...) is RFC 7807 problem+json.
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();

app.Run();
