// Answers with the process id and the port it listens on, so a test can tell replicas apart.
var app = WebApplication.CreateSlimBuilder(args).Build();

app.MapGet("/health", () => TypedResults.Ok("Healthy"));
app.MapGet("/whoami", (HttpContext context) => TypedResults.Ok(new WhoAmI(Environment.ProcessId, context.Connection.LocalPort)));

app.Run();

internal sealed record WhoAmI(int Pid, int Port);
