using Shop.Hosting;

// The composition of Shop. The resource names are a contract (DESIGN.md §1): services, tests and docs use them.
var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("cache");

var postgres = builder.AddPostgres("postgres").WithDataVolume();
var catalogDb = postgres.AddDatabase("catalogdb");
var orderingDb = postgres.AddDatabase("orderingdb");

var messaging = builder.AddRabbitMQ("messaging").WithDataVolume();

// Signs and checks the shoppers' access tokens (DESIGN.md §5): generated once, kept in the app data folder.
var jwtSigningKey = builder.AddParameter("jwt-signing-key", secret: true);

var catalogApi = builder.AddProject<Projects.Catalog_Api>("catalog-api")
    .WithEnvironment("Identity__SigningKey", jwtSigningKey)
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalogDb).WaitFor(catalogDb)
    .WithReference(messaging).WaitFor(messaging);

// Two replicas: the buy hot path must survive one of them dying.
var orderingApi = builder.AddProject<Projects.Ordering_Api>("ordering-api")
    .WithReplicas(2)
    .WithEnvironment("Identity__SigningKey", jwtSigningKey)
    .WithReference(cache).WaitFor(cache)
    .WithReference(orderingDb).WaitFor(orderingDb)
    .WithReference(messaging).WaitFor(messaging);

builder.AddProject<Projects.Ordering_Worker>("ordering-worker")
    .WithReference(cache).WaitFor(cache)
    .WithReference(orderingDb).WaitFor(orderingDb)
    .WithReference(messaging).WaitFor(messaging);

builder.AddProject<Projects.Web_Blazor>("webfrontend")
    .WithExternalHttpEndpoints()
    .WithReference(catalogApi).WaitFor(catalogApi)
    .WithReference(orderingApi).WaitFor(orderingApi);

builder.Build().Run();
