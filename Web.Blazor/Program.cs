using Shop.Web.Components;
using Shop.Web.Services;

var builder = WebApplication.CreateBuilder(args);

// Health, telemetry, service discovery and resilient HttpClients (ServiceDefaults).
builder.AddServiceDefaults();

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

// The APIs by their resource names; service discovery turns them into the replicas' addresses.
builder.Services.AddHttpClient<CatalogApiClient>(client => client.BaseAddress = CatalogApiClient.BaseAddress);
builder.Services.AddHttpClient<OrderingApiClient>(client => client.BaseAddress = OrderingApiClient.BaseAddress);

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    // No HSTS and no HTTPS redirection: the local runtime serves http only, and TLS ends before the app
    // when deployed.
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.MapDefaultEndpoints();

app.Run();
