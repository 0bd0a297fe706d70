using Shop.Catalog.Api.Data;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

// Dependencies, by their resource names in the AppHost: connection strings arrive as ConnectionStrings__{name}.
builder.AddRedisClient("cache");
builder.AddNpgsqlDbContext<CatalogDbContext>("catalogdb");
builder.AddRabbitMQClient("messaging");

// Every error the framework produces (unhandled exception, 404, 405, ...) is RFC 7807 problem+json.
builder.Services.AddProblemDetails();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();

app.Run();
