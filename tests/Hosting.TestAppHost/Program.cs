using Shop.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("cache");
var db = builder.AddPostgres("postgres").AddDatabase("testdb");
var messaging = builder.AddRabbitMQ("messaging");

builder.AddProject<Projects.Hosting_TestService>("echo")
    .WithReplicas(3)
    .WithReference(cache).WaitFor(cache)
    .WithReference(db).WaitFor(db)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("ECHO_GREETING", "hello");

builder.Build().Run();
