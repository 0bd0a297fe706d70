using Shop.AppHost;

// The composition of Shop. The resource names are a contract (docs/architecture.md, "The resources and their names"):
// services, tests and docs use them.
// How the servers run (local binaries, or containers in the manifest) is decided in ServerResources.cs.
var builder = DistributedApplication.CreateBuilder(args);

// On the console too, not only on the dashboard: which resource keeps the app from becoming ready, and why.
builder.WarnsOfUnhealthyResources();

// The catalog's cache may forget (it evicts and keeps nothing); the flash-sale gate must not (its own Redis: AOF
// with fsync before every answer, no eviction, data kept). docs/architecture.md, "The gate"; docs/hosting.md.
var cache = builder.AddRedisCache("cache");
var gate = builder.AddDurableRedis("gate");

var postgres = builder.AddPostgresServer("postgres");
var catalogDb = postgres.AddPostgresDatabase("catalogdb");
var orderingDb = postgres.AddPostgresDatabase("orderingdb");
var identityDb = postgres.AddPostgresDatabase("identitydb");

var messaging = builder.AddRabbitMQServer("messaging");

// The storefront's secret with identity-api (it signs shoppers in server-to-server and revokes their sessions):
// generated once and kept in the user secrets. docs/identity.md.
var storefrontClientSecret = builder.AddParameter("storefront-client-secret", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Each database's migrations, and catalogdb's demo data, in one resource that runs to completion: every service
// that uses a database starts only after it exited with code 0, so none of them migrates, and none runs on an
// unmigrated schema (a failed migration leaves them waiting, with the reason in this resource's log).
// docs/architecture.md, "Migrations".
// Least privilege (docs/architecture.md, "Database roles"): the migrations connect to the databases as
// shop_migrations, which owns their tables; the server's superuser only to provision the roles first. Each service
// connects to its own database as a role of its own (WithDatabaseRole), which may read and write its tables and
// nothing else: no DDL, no other database.
var migrations = builder.AddShopJob<Projects.DatabaseMigrations>("migrations")
    .WithMigrationsRole(postgres, catalogDb, orderingDb, identityDb)
    .WaitFor(catalogDb).WaitFor(orderingDb).WaitFor(identityDb)
    .WithEnvironment("Identity__Seed__StorefrontClientSecret", storefrontClientSecret)
    .WithShopAccounts(builder);

// Users, sign-in and tokens (docs/identity.md). No API calls it: each checks its tokens with its own key, which only it
// and identity-api are given (WithAccessTokensFrom), so a buy never waits for identity-api.
var identityApi = builder.AddShopService<Projects.Identity_Api>("identity-api")
    .WithDatabaseRole(identityDb, "identity_api", migrations).WaitFor(identityDb).WaitForCompletion(migrations);

var catalogApi = builder.AddShopService<Projects.Catalog_Api>("catalog-api")
    .WithAccessTokensFrom(identityApi, "catalog")
    .WithReference(cache).WaitFor(cache)
    .WithDatabaseRole(catalogDb, "catalog_api", migrations).WaitFor(catalogDb).WaitForCompletion(migrations)
    .WithReference(messaging).WaitFor(messaging);

// Two replicas: the buy hot path must survive one of them dying.
var orderingApi = builder.AddShopService<Projects.Ordering_Api>("ordering-api")
    .WithReplicas(2)
    .WithAccessTokensFrom(identityApi, "ordering")
    .WithReference(gate).WaitFor(gate)
    .WithDatabaseRole(orderingDb, "ordering_api", migrations).WaitFor(orderingDb).WaitForCompletion(migrations)
    // Tracing every buy of a 100k-buyer sale is a large share of its cost (measured: 18–43 % of the API's CPU per
    // reservation). Requests with a traced parent (the storefront's) stay traced; of those that start here, a sample.
    .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_traceidratio")
    .WithEnvironment("OTEL_TRACES_SAMPLER_ARG", builder.Configuration["OrderingApi:TraceSampleRatio"] ?? "0.01");

// The catalog shows the stock Ordering reports (docs/checkout.md). No WaitFor: the catalog keeps serving its own
// figures while Ordering is away, and a catalog held up by Ordering would hold up the storefront with it.
catalogApi.WithReference(orderingApi);

builder.AddShopService<Projects.Ordering_Worker>("ordering-worker")
    .WithReference(gate).WaitFor(gate)
    .WithDatabaseRole(orderingDb, "ordering_worker", migrations).WaitFor(orderingDb).WaitForCompletion(migrations)
    .WithReference(messaging).WaitFor(messaging);

// Each buyer's basket, kept in the Redis that never evicts (Basket.Api/Program.cs says why); prices from the catalog.
var basketApi = builder.AddShopService<Projects.Basket_Api>("basket-api")
    .WithAccessTokensFrom(identityApi, "basket")
    .WithReference(gate).WaitFor(gate)
    .WithReference(catalogApi).WaitFor(catalogApi);

// The storefront keeps each shopper's session (their tokens) server-side in the gate's Redis, which never evicts.
// The one address the internet reaches: its probes and metrics on an endpoint of their own, never external.
builder.AddShopEdgeService<Projects.Web_Blazor>("webfrontend")
    .WithReference(identityApi).WaitFor(identityApi)
    .WithEnvironment("Identity__StorefrontClientSecret", storefrontClientSecret)
    // The certificate that encrypts its Data Protection keys in the gate (KeyRingCertificate.cs).
    .WithEnvironment("Storefront__DataProtection__Certificate", builder.AddKeyRingCertificate("storefront-keyring-certificate"))
    .WithReference(gate).WaitFor(gate)
    .WithReference(catalogApi).WaitFor(catalogApi)
    .WithReference(orderingApi).WaitFor(orderingApi)
    .WithReference(basketApi).WaitFor(basketApi)
    .PrintsStoreAddressWhenReady();

// Prometheus scrapes every replica of every service (AddShopService marks them) and evaluates monitoring/alerts.yml;
// Alertmanager receives what fires. Nothing waits for them: a shop without its monitoring still sells (docs/monitoring.md).
var alertmanager = builder.AddAlertmanagerServer("alertmanager");
builder.AddPrometheusServer("prometheus", alertmanager);

builder.Build().Run();
