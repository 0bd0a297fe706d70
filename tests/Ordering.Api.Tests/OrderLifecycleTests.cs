using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Shop.IntegrationEvents;
using Shop.Ordering.Core.Redis;

namespace Shop.Ordering.Api.Tests;

/// <summary>pending → confirmed → paid, or cancelled with the units back; only the owner sees an order.</summary>
[Collection(PipelineCollection.Name)]
public sealed class OrderLifecycleTests(PipelineFixture fixture)
{
    private ShopTestClient Shop => fixture.Shop;

    [Fact]
    public async Task An_order_becomes_confirmed_then_paid_and_paying_again_changes_nothing()
    {
        var saleId = await Shop.ArmSaleAsync(5, 2, salePrice: 12.50m);
        await using var events = await Shop.SubscribeAsync(OrderEventStatus.Confirmed, OrderEventStatus.Paid);
        var token = Shop.Token("payer");
        var orderId = await BuyAsync(saleId, "payer", "pay-1", quantity: 2);

        var confirmed = await WaitForStatusAsync(orderId, token, "confirmed");
        Assert.Equal(25.00m, confirmed.GetProperty("total").GetDecimal());
        using var pay = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", token);
        using var payAgain = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", token);
        using var cancelPaid = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", token);

        Assert.Equal(HttpStatusCode.OK, pay.StatusCode);
        Assert.Equal("paid", (await pay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, payAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, cancelPaid.StatusCode);
        Assert.Equal("Paid", await StatusInDatabaseAsync(orderId));
        // Announced once per change: confirmed by the worker's batch, paid by the first pay only (the second changed nothing).
        var expected = new OrderStatusLine(orderId, null, "payer", saleId, 2);
        await Eventually.TrueAsync(async () => (await events.OrderEventsAsync()).Any(e => e.Status == OrderEventStatus.Paid && e.Orders.Contains(expected)),
            "the payment announced", TimeSpan.FromSeconds(30));
        Assert.Single(await events.OrderEventsAsync(), e => e.Status == OrderEventStatus.Paid && e.Orders.Contains(expected));
        Assert.Contains(await events.OrderEventsAsync(), e => e.Status == OrderEventStatus.Confirmed && e.Orders.Contains(expected));
    }

    [Fact]
    public async Task Cancelling_gives_the_units_back_to_the_ledger_and_the_gate_once()
    {
        var saleId = await Shop.ArmSaleAsync(3, 3);
        await using var events = await Shop.SubscribeAsync(OrderEventStatus.Cancelled);
        var token = Shop.Token("canceller");
        var orderId = await BuyAsync(saleId, "canceller", "cancel-1", quantity: 2);
        await WaitForStatusAsync(orderId, token, "confirmed");
        var redis = await Shop.RedisAsync();
        Assert.Equal(1, (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "stock"));

        using var cancel = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", token);
        using var cancelAgain = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/cancel", token);
        using var payCancelled = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", token);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.OK, cancelAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, payCancelled.StatusCode);
        Assert.Equal(3, await Shop.ScalarAsync("SELECT remaining FROM stocks WHERE stock_id = @s", ("s", saleId)));
        await Eventually.TrueAsync(async () => (long)await redis.HashGetAsync(GateKeys.Stock(saleId), "stock") == 3,
            "units back in the gate", TimeSpan.FromSeconds(30));
        Assert.Equal(0, (long)await redis.HashGetAsync(GateKeys.Buyers(saleId), "canceller"));
        // The buyer can buy again: the limit counts held units, and the units are back.
        Assert.Equal(HttpStatusCode.Accepted, (await Shop.BuyAsync(saleId, "canceller", "cancel-2", 3)).StatusCode);
        await Eventually.TrueAsync(async () => (await events.OrderEventsAsync()).Any(e => e.Orders.Contains(new OrderStatusLine(orderId, null, "canceller", saleId, 2))),
            "the cancellation announced", TimeSpan.FromSeconds(30));
        Assert.All(await events.OrderEventsAsync(), e => Assert.Equal(OrderEventStatus.Cancelled, e.Status));
    }

    [Fact]
    public async Task Only_the_owner_sees_an_order_and_my_orders_lists_pending_and_durable_ones()
    {
        var saleId = await Shop.ArmSaleAsync(10, 2);
        var orderId = await BuyAsync(saleId, "owner", "own-1");
        var owner = Shop.Token("owner");

        using var stranger = await Shop.SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", Shop.Token("stranger"));
        using var strangerPays = await Shop.SendAsync(HttpMethod.Post, $"/api/orders/{orderId}/pay", Shop.Token("stranger"));
        var mine = await Shop.GetAsync<JsonElement>("/api/orders", owner);

        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, strangerPays.StatusCode);
        Assert.Contains(mine.EnumerateArray(), o => o.GetProperty("orderId").GetGuid() == orderId);
        var stock = await Shop.GetAsync<JsonElement>($"/api/flash-sales/{saleId}/stock", owner);
        Assert.Equal(9, stock.GetProperty("remaining").GetInt64());
    }

    private async Task<Guid> BuyAsync(Guid saleId, string buyer, string key, int quantity = 1)
    {
        using var response = await Shop.BuyAsync(saleId, buyer, key, quantity);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("status").GetString());
        return body.GetProperty("orderId").GetGuid();
    }

    private async Task<JsonElement> WaitForStatusAsync(Guid orderId, string token, string status)
    {
        JsonElement order = default;
        await Eventually.TrueAsync(async () =>
        {
            order = await Shop.GetAsync<JsonElement>($"/api/orders/{orderId}", token);
            return order.GetProperty("status").GetString() == status;
        }, $"order {orderId} {status}", TimeSpan.FromSeconds(30));
        return order;
    }

    private async Task<string> StatusInDatabaseAsync(Guid orderId)
    {
        await using var command = (await Shop.OrderingDbAsync()).CreateCommand("SELECT status FROM orders WHERE order_id = @id");
        command.Parameters.AddWithValue("id", orderId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
