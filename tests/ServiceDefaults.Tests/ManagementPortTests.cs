using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.ServiceDefaults.Health;

namespace Shop.ServiceDefaults.Tests;

/// <summary>
/// A service with <c>Management:Port</c> (the storefront) serves /health, /alive and /metrics on that port only, on a
/// real Kestrel listening on two ports, whatever the Host header says.
/// </summary>
public sealed class ManagementPortTests
{
    [Fact]
    public async Task With_a_management_port_the_probes_and_metrics_answer_there_and_the_public_port_answers_404()
    {
        var (publicPort, managementPort) = (TestServer.ClosedPort(), TestServer.ClosedPort());
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls($"http://127.0.0.1:{publicPort}", $"http://127.0.0.1:{managementPort}");
        builder.Logging.ClearProviders();
        builder.Configuration["Management:Port"] = managementPort.ToString(CultureInfo.InvariantCulture);
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/", () => "the shop");
        await app.StartAsync();
        try
        {
            using var client = new HttpClient();
            foreach (var path in new[] { "/health", "/alive", "/metrics" })
            {
                using var hidden = await client.GetAsync(new Uri($"http://127.0.0.1:{publicPort}{path}"));
                Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
                using var served = await client.GetAsync(new Uri($"http://127.0.0.1:{managementPort}{path}"));
                Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            }
            // A Host header that names the management port (as a proxy's may) does not open the public port.
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{publicPort}/metrics"));
            request.Headers.Host = $"127.0.0.1:{managementPort}";
            using var spoofed = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, spoofed.StatusCode);
            using var page = await client.GetAsync(new Uri($"http://127.0.0.1:{publicPort}/"));
            Assert.Equal("the shop", await page.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
