using System.Net;
using Shop.IntegrationEvents;

namespace Shop.Catalog.Tests;

/// <summary>Flash-sale administration: the rules, the announcements on RabbitMQ, and fresh reads after each change.</summary>
[Collection(CatalogCollection.Name)]
public sealed class FlashSaleAdminTests(CatalogAppFixture fixture)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>A seeded item with no sale at all, so each test has its own.</summary>
    private async Task<(int Id, string Name, decimal Price)> FreeItemAsync()
    {
        var id = await fixture.ScalarAsync<int>("""
            SELECT id FROM catalog_items i WHERE NOT EXISTS (SELECT 1 FROM flash_sales s WHERE s.item_id = i.id)
            AND id <= 120 ORDER BY id DESC LIMIT 1
            """);
        return (id, await fixture.ScalarAsync<string>("SELECT name FROM catalog_items WHERE id = $1", id),
            await fixture.ScalarAsync<decimal>("SELECT price FROM catalog_items WHERE id = $1", id));
    }

    private async Task<SaleDto> CreateSaleAsync(int itemId, DateTimeOffset startsAt, DateTimeOffset endsAt, int quantity = 100, decimal salePrice = 1.5m)
    {
        using var response = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/flash-sales",
            new { itemId, salePrice, quantity, perBuyerLimit = 2, startsAt, endsAt });
        return await Http.ReadAsync<SaleDto>(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_traced_admin_change_carries_its_trace_through_the_outbox_to_the_announcement()
    {
        await using var announcements = await Announcements.ListenAsync(await fixture.ConnectionStringAsync("messaging"));
        var item = await FreeItemAsync();
        var startsAt = new DateTimeOffset(Now.Year, Now.Month, Now.Day, Now.Hour, Now.Minute, 0, TimeSpan.Zero).AddHours(5);
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var callerSpan = System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString();

        using var request = CatalogAppFixture.Request(HttpMethod.Post, "/api/admin/flash-sales", fixture.AdminToken, System.Net.Http.Json.JsonContent.Create(
            new { itemId = item.Id, salePrice = 1.5m, quantity = 10, perBuyerLimit = 2, startsAt, endsAt = startsAt.AddMinutes(30) }));
        request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
        using var response = await fixture.Client.SendAsync(request);
        var sale = await Http.ReadAsync<SaleDto>(response, HttpStatusCode.Created);

        // The row keeps the request's trace (its server span, a child of the caller's)...
        var saved = await fixture.ScalarAsync<string>("SELECT trace_parent FROM outbox_messages WHERE type = 'FlashSaleChanged' AND payload::jsonb ->> 'saleId' = $1",
            sale.Id.ToString());
        Assert.StartsWith($"00-{traceId}-", saved, StringComparison.Ordinal);
        Assert.DoesNotContain(callerSpan, saved, StringComparison.Ordinal);
        // ...and the message carries the publish span of that same trace to the subscriber.
        var announced = await announcements.WaitForAsync(e => e.SaleId == sale.Id);
        Assert.NotNull(announced.TraceParent);
        Assert.StartsWith($"00-{traceId}-", announced.TraceParent, StringComparison.Ordinal);
        Assert.NotEqual(saved, announced.TraceParent);
    }

    [Fact]
    public async Task A_new_sale_is_stored_announced_on_rabbitmq_and_listed()
    {
        await using var announcements = await Announcements.ListenAsync(await fixture.ConnectionStringAsync("messaging"));
        var item = await FreeItemAsync();
        await fixture.Client.GetAsync<List<SaleDto>>("/api/flash-sales"); // cached before the change
        await fixture.Client.GetAsync<List<Guid>>("/api/flash-sales/ids"); // cached before the change
        var startsAt = new DateTimeOffset(Now.Year, Now.Month, Now.Day, Now.Hour, Now.Minute, 0, TimeSpan.Zero).AddHours(3);

        // Any offset is accepted and normalised to UTC.
        var sale = await CreateSaleAsync(item.Id, startsAt.ToOffset(TimeSpan.FromHours(2)), startsAt.AddMinutes(30), quantity: 250, salePrice: 2.25m);

        Assert.Equal("Upcoming", sale.Status);
        Assert.Equal(1, sale.Version);
        // The cached list of every sale's id was retired with the change: the new sale is in it at once.
        Assert.Contains(sale.Id, await fixture.Client.GetAsync<List<Guid>>("/api/flash-sales/ids"));
        Assert.Equal(startsAt, sale.StartsAt);
        Assert.Equal(1L, await fixture.ScalarAsync<long>("SELECT count(*) FROM flash_sales WHERE id = $1 AND quantity = 250 AND version = 1", sale.Id));

        var announced = await announcements.WaitForAsync(e => e.SaleId == sale.Id);
        var e = announced.Event;
        Assert.Equal(item.Id, e.ItemId);
        Assert.Equal(item.Name, e.ItemName);
        Assert.Equal(item.Price, e.RegularPrice);
        Assert.Equal(2.25m, e.SalePrice);
        Assert.Equal(250, e.Quantity);
        Assert.Equal(2, e.PerBuyerLimit);
        Assert.Equal(startsAt, e.StartsAt);
        Assert.Equal(startsAt.AddMinutes(30), e.EndsAt);
        Assert.Equal(FlashSaleStatus.Scheduled, e.Status);
        Assert.Equal(1, e.Version);
        Assert.Equal(EventTopology.Exchange, announced.Exchange);
        Assert.Equal(EventTopology.FlashSaleChangedRoutingKey, announced.RoutingKey);
        Assert.Equal(e.EventId.ToString(), announced.MessageId);
        Assert.Equal("FlashSaleChanged", announced.Type);
        Assert.Equal("application/json", announced.ContentType);
        Assert.True(announced.Persistent);
        Assert.Equal("Scheduled", announced.Json.GetProperty("status").GetString());
        Assert.Equal(250, announced.Json.GetProperty("quantity").GetInt32());
        // Marked sent once the broker confirmed (the commit may land just after the delivery).
        await Eventually.TrueAsync(
            async () => await fixture.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE id = $1 AND sent_at IS NOT NULL", e.EventId) == 1,
            "the outbox row is marked sent");

        var listed = await fixture.Client.GetAsync<List<SaleDto>>("/api/flash-sales");
        Assert.Contains(listed, s => s.Id == sale.Id && s.Quantity == 250);
    }

    [Fact]
    public async Task Changes_and_cancellation_are_announced_with_growing_versions_and_read_fresh()
    {
        await using var announcements = await Announcements.ListenAsync(await fixture.ConnectionStringAsync("messaging"));
        var item = await FreeItemAsync();
        var sale = await CreateSaleAsync(item.Id, Now.AddHours(5), Now.AddHours(6));
        await fixture.Client.GetAsync<SaleDto>($"/api/flash-sales/{sale.Id}"); // cached

        using var update = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/flash-sales/{sale.Id}",
            new { salePrice = 1.25m, quantity = 300, perBuyerLimit = 3, startsAt = sale.StartsAt, endsAt = sale.EndsAt.AddMinutes(10) });
        var updated = await Http.ReadAsync<SaleDto>(update);
        Assert.Equal(2, updated.Version);
        var read = await fixture.Client.GetAsync<SaleDto>($"/api/flash-sales/{sale.Id}");
        Assert.Equal((300, 3, 1.25m, 2L), (read.Quantity, read.PerBuyerLimit, read.SalePrice, read.Version));
        var second = await announcements.WaitForAsync(e => e.SaleId == sale.Id && e.Version == 2);
        Assert.Equal((300, 3, 1.25m, FlashSaleStatus.Scheduled), (second.Event.Quantity, second.Event.PerBuyerLimit, second.Event.SalePrice, second.Event.Status));

        using var cancel = await fixture.AdminSendAsync(HttpMethod.Post, $"/api/admin/flash-sales/{sale.Id}/cancel");
        Assert.Equal("Cancelled", (await Http.ReadAsync<SaleDto>(cancel)).Status);
        var third = await announcements.WaitForAsync(e => e.SaleId == sale.Id && e.Version == 3);
        Assert.Equal(FlashSaleStatus.Cancelled, third.Event.Status);
        Assert.Equal("Cancelled", (await fixture.Client.GetAsync<SaleDto>($"/api/flash-sales/{sale.Id}")).Status);
        Assert.DoesNotContain(await fixture.Client.GetAsync<List<SaleDto>>("/api/flash-sales"), s => s.Id == sale.Id);
        // Every sale's id, cancelled ones too: what the storefront checks a sale page's id against.
        Assert.Contains(sale.Id, await fixture.Client.GetAsync<List<Guid>>("/api/flash-sales/ids"));

        // Cancelling again changes nothing and announces nothing; a cancelled sale cannot be edited.
        var before = await fixture.FingerprintAsync();
        using var again = await fixture.AdminSendAsync(HttpMethod.Post, $"/api/admin/flash-sales/{sale.Id}/cancel");
        Assert.Equal(3, (await Http.ReadAsync<SaleDto>(again)).Version);
        using var edit = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/flash-sales/{sale.Id}",
            new { salePrice = 1m, quantity = 300, perBuyerLimit = 3, startsAt = sale.StartsAt, endsAt = sale.EndsAt });
        await Http.ReadProblemAsync(edit, HttpStatusCode.Conflict);
        Assert.Equal(before, await fixture.FingerprintAsync());
    }

    [Fact]
    public async Task An_overlapping_sale_of_the_same_item_is_refused_but_back_to_back_and_after_cancel_are_fine()
    {
        var item = await FreeItemAsync();
        var first = await CreateSaleAsync(item.Id, Now.AddHours(10), Now.AddHours(11));
        var before = await fixture.FingerprintAsync();

        using var overlap = await fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/flash-sales",
            new { itemId = item.Id, salePrice = 1m, quantity = 5, perBuyerLimit = 1, startsAt = first.StartsAt.AddMinutes(30), endsAt = first.EndsAt.AddHours(1) });
        var problem = await Http.ReadProblemAsync(overlap, HttpStatusCode.Conflict);
        Assert.Contains(first.Id.ToString(), problem.GetProperty("detail").GetString());
        Assert.Equal(before, await fixture.FingerprintAsync());

        await CreateSaleAsync(item.Id, first.EndsAt, first.EndsAt.AddHours(1)); // starts when the first ends
        using var cancel = await fixture.AdminSendAsync(HttpMethod.Post, $"/api/admin/flash-sales/{first.Id}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        await CreateSaleAsync(item.Id, first.StartsAt, first.EndsAt); // the cancelled one no longer counts
    }

    [Fact]
    public async Task Concurrent_overlapping_sales_cannot_both_be_created()
    {
        var item = await FreeItemAsync();
        var body = new { itemId = item.Id, salePrice = 1m, quantity = 5, perBuyerLimit = 1, startsAt = Now.AddDays(20), endsAt = Now.AddDays(20).AddHours(1) };

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => fixture.AdminSendAsync(HttpMethod.Post, "/api/admin/flash-sales", body)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal(1L, await fixture.ScalarAsync<long>("SELECT count(*) FROM flash_sales WHERE item_id = $1", item.Id));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Once_started_a_sales_quantity_and_start_are_fixed_but_other_terms_may_change()
    {
        var item = await FreeItemAsync();
        var live = await CreateSaleAsync(item.Id, Now.AddMinutes(-1), Now.AddHours(1), quantity: 40);
        Assert.Equal("Live", live.Status);
        var before = await fixture.FingerprintAsync();

        using var quantity = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/flash-sales/{live.Id}",
            new { salePrice = live.SalePrice, quantity = 41, perBuyerLimit = live.PerBuyerLimit, startsAt = live.StartsAt, endsAt = live.EndsAt });
        var problem = await Http.ReadProblemAsync(quantity, HttpStatusCode.Conflict);
        Assert.Contains("quantity", problem.GetProperty("detail").GetString());
        using var start = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/flash-sales/{live.Id}",
            new { salePrice = live.SalePrice, quantity = 40, perBuyerLimit = live.PerBuyerLimit, startsAt = live.StartsAt.AddMinutes(5), endsAt = live.EndsAt });
        await Http.ReadProblemAsync(start, HttpStatusCode.Conflict);
        Assert.Equal(before, await fixture.FingerprintAsync());

        using var extend = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/flash-sales/{live.Id}",
            new { salePrice = live.SalePrice, quantity = 40, perBuyerLimit = live.PerBuyerLimit, startsAt = live.StartsAt, endsAt = live.EndsAt.AddMinutes(30) });
        Assert.Equal(live.EndsAt.AddMinutes(30), (await Http.ReadAsync<SaleDto>(extend)).EndsAt);

        using var cancel = await fixture.AdminSendAsync(HttpMethod.Post, $"/api/admin/flash-sales/{live.Id}/cancel");
        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
    }

    [Fact]
    public async Task Renaming_an_item_re_announces_its_current_sales()
    {
        await using var announcements = await Announcements.ListenAsync(await fixture.ConnectionStringAsync("messaging"));
        var item = await FreeItemAsync();
        var sale = await CreateSaleAsync(item.Id, Now.AddHours(30), Now.AddHours(31));

        using var rename = await fixture.AdminSendAsync(HttpMethod.Put, $"/api/admin/catalog/items/{item.Id}",
            new { name = item.Name + " II", description = "Second edition.", price = item.Price, categoryId = 3, availableStock = 1 });
        Assert.Equal(HttpStatusCode.OK, rename.StatusCode);

        var announced = await announcements.WaitForAsync(e => e.SaleId == sale.Id && e.Version == 2);
        Assert.Equal(item.Name + " II", announced.Event.ItemName);
        Assert.Equal(item.Name + " II", (await fixture.Client.GetAsync<SaleDto>($"/api/flash-sales/{sale.Id}")).ItemName);
    }
}
