using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.ServiceDefaults.Identity;

namespace Shop.AppHost.ProcessTests;

/// <summary>
/// docs/architecture.md, "Arming a sale" (docs/monitoring.md, the traces): an admin's change is one trace from the
/// request to the gate. A flash sale created with a W3C traceparent is followed in the dashboard through catalog-api's
/// request and its outbox transaction, the outbox's publish, and the worker applying the announcement to its ledger
/// (Postgres) and arming the gate (Redis), all under that one trace id. (Part of AppHostRunTests: one AppHost process
/// for all of them.)
/// </summary>
public sealed partial class AppHostRunTests
{
    [Fact]
    public async Task A_sale_created_by_an_admin_is_one_trace_from_the_catalog_through_the_outbox_to_the_worker_arming_it()
    {
        using var catalog = new HttpClient { BaseAddress = ServiceAddress("catalog-api") };
        var token = await IdentitySignIn.AccessTokenAsync(ServiceAddress("identity-api"), "admin", "Admin@word1", ShopAudiences.CatalogApi);

        // A window of its own, weeks ahead, on a random item: no other sale of that item can overlap it.
        var itemId = Random.Shared.Next(1, 121);
        var now = DateTimeOffset.UtcNow;
        var startsAt = new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero).AddDays(30).AddMinutes(Random.Shared.Next(0, 60 * 24 * 60));
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/admin/flash-sales")
        {
            Content = JsonContent.Create(new { itemId, salePrice = 0.5m, quantity = 5, perBuyerLimit = 1, startsAt, endsAt = startsAt.AddMinutes(1) }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        create.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using (var created = await catalog.SendAsync(create))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        }

        await AssertOneTraceThroughAsync(traceId, ArmingHops);
    }

    /// <summary>The hops of an admin's sale on its way to the gate, each recognised by the span it leaves.</summary>
    private static readonly Dictionary<string, Func<Span, bool>> ArmingHops = new()
    {
        ["catalog-api's request"] = s => s.Service == "catalog-api" && s.Scope == "Microsoft.AspNetCore" && s.Name.Contains("/api/admin/flash-sales", StringComparison.Ordinal),
        ["the catalog's outbox transaction"] = s => s.Service == "catalog-api" && s.Scope.Contains("Npgsql", StringComparison.Ordinal),
        ["the outbox's publish"] = s => s.Service == "catalog-api" && s.Scope == "Shop.Catalog" && s.Name.StartsWith("outbox publish", StringComparison.Ordinal),
        ["the worker applying it"] = s => s.Service == "ordering-worker" && s.Scope == "Shop.Ordering.Worker" && s.Name == "apply FlashSaleChanged",
        ["the ledger (Postgres)"] = s => s.Service == "ordering-worker" && s.Scope.Contains("Npgsql", StringComparison.Ordinal),
        ["the gate (Redis)"] = s => s.Service == "ordering-worker" && s.Scope.Contains("StackExchangeRedis", StringComparison.Ordinal),
    };
}
