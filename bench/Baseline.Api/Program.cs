using Npgsql;
using Shop.Baseline.Api;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry and service discovery (ServiceDefaults); the same bearer tokens as ordering-api, so the bench's
// buyers use one token on both systems (signed with the bench's own key, Identity:TestSigningKey).
builder.AddServiceDefaults();
builder.AddDefaultAuthentication(ShopAudiences.OrderingApi);

// baselinedb: a database of its own on Shop's Postgres server (the bench adds both), never orderingdb.
const string Database = "baselinedb";
builder.AddNpgsqlDataSource(Database);
builder.NameHealthCheck(IntegrationHealthChecks.Npgsql, Database);

builder.Services.AddSingleton<BaselineBuy>();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJsonContext.Default));
// Every error is problem+json with a reason, a malformed body included (ServiceDefaults).
builder.Services.AddBadRequestProblems();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = BaselineApi.MaxBodyBytes);

var app = builder.Build();

await BaselineSchema.CreateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Logger, app.Lifetime.ApplicationStopping);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapBaselineApi();
app.MapDefaultEndpoints();

await app.RunAsync();
