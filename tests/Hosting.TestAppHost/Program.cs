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

// Any program of the machine: here Python's file server, told its port through the PORT variable.
builder.AddExecutable("files", "bash", "../Hosting.TestService", "-c", "exec python3 -m http.server --bind 127.0.0.1 \"$PORT\"")
    .WithHttpEndpoint(env: "PORT");

builder.Build().Run();
