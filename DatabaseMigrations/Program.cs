using Shop.Catalog.Data;
using Shop.Identity.Data;
using Shop.DatabaseMigrations;

// The migrations resource (docs/architecture.md, "Migrations"): brings every database to the schema the services
// expect, then exits. The AppHost starts catalog-api, ordering-api and ordering-worker only after it exited with
// code 0, so no service ever runs on an unmigrated schema and none of them migrates.
// A generic host, not a web one: nothing waits on its health, only on its exit code.
var builder = Host.CreateApplicationBuilder(args);

// Logs and traces of the migration on the dashboard like any service's (ServiceDefaults).
builder.AddServiceDefaults();
builder.AddShopTelemetrySource(DatabaseMigrator.ActivitySourceName);

// The databases, by their resource names in the AppHost, through the same client integrations the services use, as
// the databases' owner role (shop_migrations); ConnectionStrings:postgres, the server's superuser, only provisions the
// roles first (DatabaseRoleProvisioner).
builder.AddNpgsqlDataSource("orderingdb");
builder.AddNpgsqlDbContext<CatalogDbContext>("catalogdb");
builder.Services.AddCatalogSeeding();
builder.AddNpgsqlDbContext<ShopIdentityDbContext>("identitydb");
builder.Services.AddIdentitySeeding();
builder.Services.AddSingleton<DatabaseRoleProvisioner>();
builder.Services.AddSingleton<DatabaseMigrator>();

using var host = builder.Build();
// Started so that telemetry is exported and a stop signal (Ctrl+C of the AppHost) cancels the migration.
await host.StartAsync();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
var migrated = await host.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync(lifetime.ApplicationStopping);
await host.StopAsync();
// Non-zero holds back every service that waits for this resource: a failed migration stops the start there.
return migrated ? 0 : 1;
